import * as tf from '@tensorflow/tfjs';

import { CheckpointError } from '../errors.js';
import { registerGanForgeLayers } from '../models/register-layers.js';
import type { SerializedModel, SerializedTensors } from './checkpoint.js';

/** A tensor with a name, as `tf.Optimizer.getWeights()` returns them (tfjs does not export this type). */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

function joinWeightData(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

/** Captures a model's topology and weights in tfjs layers format, in memory. */
export async function serializeModel(model: tf.LayersModel): Promise<SerializedModel> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured?.modelTopology || !captured.weightSpecs) {
    throw new CheckpointError(`Could not serialize model '${model.name}': tfjs returned no topology or weights.`);
  }
  return {
    topology: captured.modelTopology as object,
    weightSpecs: captured.weightSpecs,
    weightData: joinWeightData(captured.weightData),
  };
}

/** Encodes named tensors, keeping their order (optimizer slots are matched by position). */
export async function serializeTensors(tensors: readonly NamedTensor[]): Promise<SerializedTensors> {
  const { data, specs } = await tf.io.encodeWeights(tensors.map(({ name, tensor }) => ({ name, tensor })));
  return { specs, data: joinWeightData(data) };
}

/** Decodes tensors written by {@link serializeTensors}, in order (names may repeat). */
export function deserializeTensors(serialized: SerializedTensors): NamedTensor[] {
  const result: NamedTensor[] = [];
  let offset = 0;
  for (const spec of serialized.specs) {
    const byteLength = tf.util.sizeFromShape(spec.shape) * bytesPerElement(spec.dtype);
    const decoded = tf.io.decodeWeights(serialized.data.slice(offset, offset + byteLength), [spec]);
    const tensor = decoded[spec.name];
    if (!tensor) throw new CheckpointError(`Could not decode tensor '${spec.name}' from the checkpoint.`);
    result.push({ name: spec.name, tensor });
    offset += byteLength;
  }
  return result;
}

function bytesPerElement(dtype: string): number {
  switch (dtype) {
    case 'float32':
    case 'int32':
      return 4;
    case 'bool':
      return 1;
    default:
      throw new CheckpointError(
        `Checkpoint tensors of dtype '${dtype}' are not supported (float32, int32 and bool are).`,
      );
  }
}

/** Rebuilds a model (topology and weights) from its serialized form; works in Node and browsers. */
export async function deserializeModel(serialized: SerializedModel): Promise<tf.LayersModel> {
  registerGanForgeLayers();
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: serialized.topology,
      weightSpecs: serialized.weightSpecs,
      weightData: serialized.weightData,
    }),
  );
}

/**
 * Copies weights into `tensors` (a model's `weights`) by position, checking every shape, so that a
 * checkpoint loads into a freshly built model whatever tfjs named its layers in this process.
 */
export function assignWeightsInOrder(
  target: readonly tf.LayerVariable[],
  source: readonly NamedTensor[],
  what: string,
): void {
  if (target.length !== source.length) {
    throw new CheckpointError(
      `${what}: the checkpoint holds ${source.length} weight tensors but the model has ${target.length}. ` +
        'Build the model with the same options as the run that wrote the checkpoint.',
    );
  }
  target.forEach((variable, index) => {
    const { name, tensor } = source[index]!;
    if (!tf.util.arraysEqual(variable.shape as number[], tensor.shape)) {
      throw new CheckpointError(
        `${what}: weight ${index} ('${variable.originalName}') has shape [${variable.shape.join(', ')}], ` +
          `the checkpoint's ('${name}') has [${tensor.shape.join(', ')}]. Build the model with the same options as the run that wrote the checkpoint.`,
      );
    }
  });
  target.forEach((variable, index) => variable.write(source[index]!.tensor));
}

/** Reads a serialized model's weights in order. */
export function modelWeights(serialized: SerializedModel): NamedTensor[] {
  return deserializeTensors({ specs: serialized.weightSpecs, data: serialized.weightData });
}
