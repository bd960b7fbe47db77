import * as tf from '@tensorflow/tfjs';

import * as v from 'valibot';

import { CheckpointError } from '../errors.js';
import type { SerializedModel, SerializedTensors } from './checkpoint.js';
import { type LoadOrigin, refusal } from './load-refusal.js';
import { modelFromArtifactsWithinBudget, type ModelBudgetOptions } from './model-within-weight-budget.js';
import { describeSchemaIssue } from './schema-issue.js';
import { formatShape, specByteLength, totalSpecBytes, type WeightSpec, weightSpecsSchema } from './weight-specs.js';

const checkpointOrigin: LoadOrigin = { kind: 'checkpoint' };

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

/**
 * Decodes tensors written by {@link serializeTensors}, in order (names may repeat). The specs are
 * parsed and their total size checked against the data's length before any tensor is created; if
 * decoding fails midway, the tensors already made are disposed.
 *
 * @param label names the tensors in errors (`checkpoint.optimizers.generator`).
 * @throws CheckpointError code `CHECKPOINT_HEADER` (a malformed spec) or `CHECKPOINT_MISMATCH`
 *   (the specs' sizes do not add up to the data's length).
 */
export function deserializeTensors(serialized: SerializedTensors, label = 'tensors'): NamedTensor[] {
  if (serialized === null || typeof serialized !== 'object') {
    throw refusal(checkpointOrigin, 'CHECKPOINT_HEADER', label, 'serialized tensors (specs, data)', String(serialized));
  }
  const specs = parseTensorSpecs(serialized.specs, `${label}.specs`);
  const data: unknown = serialized.data;
  if (!(data instanceof ArrayBuffer)) {
    throw refusal(checkpointOrigin, 'CHECKPOINT_HEADER', `${label}.data`, 'an ArrayBuffer', typeof data);
  }
  const expected = totalSpecBytes(specs);
  if (expected !== data.byteLength) {
    throw refusal(
      checkpointOrigin,
      'CHECKPOINT_MISMATCH',
      `${label}.data`,
      `${expected.toLocaleString('en-US')} bytes (the sizes of the ${specs.length} tensors in ${label}.specs)`,
      `${data.byteLength.toLocaleString('en-US')} bytes`,
    );
  }
  const result: NamedTensor[] = [];
  let offset = 0;
  try {
    for (const spec of specs) {
      const byteLength = specByteLength(spec);
      const decoded = tf.io.decodeWeights(data.slice(offset, offset + byteLength), [spec]);
      const tensor = decoded[spec.name];
      if (!tensor) throw new CheckpointError(`${label}: could not decode tensor '${spec.name}'.`);
      result.push({ name: spec.name, tensor });
      offset += byteLength;
    }
  } catch (error) {
    tf.dispose(result.map(({ tensor }) => tensor));
    throw error;
  }
  return result;
}

// Optimizer slots repeat no names, but EMA and slot lists are matched by position, so repeated
// names are allowed here (unlike a model's weights, which are matched by name).
function parseTensorSpecs(value: unknown, field: string): WeightSpec[] {
  const parsed = v.safeParse(weightSpecsSchema, value, { abortEarly: true });
  if (!parsed.success) {
    const issue = describeSchemaIssue(field, parsed.issues[0]);
    throw refusal(checkpointOrigin, 'CHECKPOINT_HEADER', issue.field, issue.expected, issue.received);
  }
  return parsed.output;
}

/**
 * Rebuilds a model (topology and weights) from its serialized form; works in Node and browsers.
 * Never allocates beyond what the weights justify and checks every weight's name, shape and dtype
 * against the topology (see {@link modelFromArtifactsWithinBudget}).
 *
 * @param options.label names the model in errors (`checkpoint.generator`); `limits` as in
 *   {@link CheckpointLimits}.
 * @throws CheckpointError (`CHECKPOINT_HEADER`, `CHECKPOINT_MISMATCH`) or SizeLimitError; nothing
 *   stays allocated when it throws.
 */
export async function deserializeModel(
  serialized: SerializedModel,
  options: Pick<ModelBudgetOptions, 'label' | 'limits' | 'describeLimitOption'> = {},
): Promise<tf.LayersModel> {
  const label = options.label ?? 'model';
  if (serialized === null || typeof serialized !== 'object') {
    throw refusal(
      checkpointOrigin,
      'CHECKPOINT_HEADER',
      label,
      'a serialized model (topology, weightSpecs, weightData)',
      String(serialized),
    );
  }
  const weightData: unknown = serialized.weightData;
  if (!(weightData instanceof ArrayBuffer)) {
    throw refusal(checkpointOrigin, 'CHECKPOINT_HEADER', `${label}.weightData`, 'an ArrayBuffer', typeof weightData);
  }
  return modelFromArtifactsWithinBudget(
    { modelTopology: serialized.topology, weightSpecs: serialized.weightSpecs, weightData },
    { ...options, label },
  );
}

/**
 * Copies weights into `target` (a model's `weights`) by position, checking the count and every
 * shape and dtype first, so that a checkpoint loads into a freshly built model whatever tfjs named
 * its layers in this process, and nothing is written when anything differs.
 *
 * @throws CheckpointError code `CHECKPOINT_MISMATCH` naming the weight, the expected and the received.
 */
export function assignWeightsInOrder(
  target: readonly tf.LayerVariable[],
  source: readonly NamedTensor[],
  what: string,
): void {
  if (target.length !== source.length) {
    throw new CheckpointError(
      `${what}: expected ${target.length} weight tensors (the model's), received ${source.length} in the checkpoint. ` +
        'Build the model with the same options as the run that wrote the checkpoint.',
      { code: 'CHECKPOINT_MISMATCH' },
    );
  }
  target.forEach((variable, index) => {
    const { name, tensor } = source[index]!;
    if (!tf.util.arraysEqual(variable.shape as number[], tensor.shape) || variable.dtype !== tensor.dtype) {
      throw new CheckpointError(
        `${what}: weight ${index} ('${variable.originalName}') has shape ${formatShape(variable.shape)} ${variable.dtype}, ` +
          `the checkpoint's ('${name}') has ${formatShape(tensor.shape)} ${tensor.dtype}. Build the model with the same options as the run that wrote the checkpoint.`,
        { code: 'CHECKPOINT_MISMATCH' },
      );
    }
  });
  target.forEach((variable, index) => variable.write(source[index]!.tensor));
}

/** Reads a serialized model's weights in order (see {@link deserializeTensors}). */
export function modelWeights(serialized: SerializedModel, label = 'model'): NamedTensor[] {
  if (serialized === null || typeof serialized !== 'object') {
    throw refusal(checkpointOrigin, 'CHECKPOINT_HEADER', label, 'a serialized model', String(serialized));
  }
  return deserializeTensors({ specs: serialized.weightSpecs, data: serialized.weightData }, label);
}
