import { decodeCheckpoint, InvalidFileError, loadGenerator } from '@ganforge/core';
import { loadUpscalingModel, type UpscalingMetadata, type UpscalingModel, upscalingModel } from '@ganforge/srgan';
import * as tf from '@tensorflow/tfjs';

import { describeError } from '../shell/page-errors.js';
import type { LoadedModel, ModelSource } from './upscale-worker-api.js';

const checkpointExpected = 'the latest.gfckpt of a `ganforge train srgan` run (a checkpoint with metadata.upscaling)';
const layersExpected = 'the model/ folder of a `ganforge train srresnet|srgan` run: model.json and its weight files';

/**
 * Loads a super-resolution model in the worker, the way `ganforge upscale --model <run>` does:
 * a checkpoint through decodeCheckpoint -> loadGenerator -> upscalingModel with its
 * `metadata.upscaling`; a model.json (+ weights) through loadUpscalingModel. Every refusal names
 * the file, what was expected and what it is.
 */
export async function loadUpscalingSource(
  source: ModelSource,
): Promise<{ readonly model: UpscalingModel; readonly info: LoadedModel }> {
  let model: UpscalingModel;
  let step: number | undefined;
  let family: LoadedModel['family'] = 'srresnet';
  let name: string;
  if (source.kind === 'checkpoint') {
    name = source.fileName;
    let checkpoint;
    try {
      checkpoint = decodeCheckpoint(source.bytes);
    } catch (error) {
      // The codec's messages start 'checkpoint: ...'; the person needs the file's name there.
      throw new Error(`${name}: ${describeError(error).replace(/^checkpoint: /, '')}`, { cause: error });
    }
    const upscaling = checkpoint.metadata['upscaling'] as UpscalingMetadata | undefined;
    if (upscaling === undefined || typeof upscaling !== 'object') {
      throw new InvalidFileError(
        name,
        checkpointExpected,
        'a GANForge checkpoint of another model (no metadata.upscaling)',
      );
    }
    const generator = await loadGenerator(checkpoint);
    model = upscalingModel(generator, upscaling);
    step = checkpoint.step;
    if (checkpoint.discriminator !== undefined) family = 'srgan';
  } else if (source.kind === 'layers-files') {
    const json = source.files.filter((file) => file.name.endsWith('.json'));
    name = json[0]?.name ?? source.files[0]?.name ?? 'the files';
    if (json.length !== 1) {
      throw new InvalidFileError(
        source.files.map((file) => file.name).join(', ') || 'no files',
        `${checkpointExpected}, or ${layersExpected}`,
        json.length === 0 ? 'no .gfckpt and no model.json' : `${json.length} .json files`,
      );
    }
    const weights = source.files.filter((file) => file !== json[0]);
    try {
      model = await loadUpscalingModel(tf.io.browserFiles([json[0]!, ...weights]));
    } catch (error) {
      throw new Error(`${name}: expected ${layersExpected}; ${describeError(error)}`, { cause: error });
    }
  } else {
    name = source.url;
    model = await loadUpscalingModel(source.url);
  }
  try {
    assertRgbImageModel(model.model, name);
    const scale = model.scale ?? probeScale(model.model);
    return {
      model: { ...model, scale },
      info: { scale, padding: model.padding ?? 16, step, family, parameters: model.model.countParams() },
    };
  } catch (error) {
    model.model.dispose();
    throw error;
  }
}

function assertRgbImageModel(model: tf.LayersModel, name: string): void {
  const shape = model.inputs[0]?.shape;
  if (model.inputs.length !== 1 || shape?.length !== 4 || shape[3] !== 3) {
    throw new InvalidFileError(
      name,
      'a super-resolution model taking RGB images [batch, height, width, 3]',
      `a model taking ${model.inputs.map((input) => `[${input.shape.map(String).join(', ')}]`).join(' and ')}`,
    );
  }
}

/** A model.json without GANForge's metadata: its scale is its output side over an 8 x 8 input's. */
function probeScale(model: tf.LayersModel): number {
  const side = tf.tidy(() => (model.predict(tf.zeros([1, 8, 8, 3])) as tf.Tensor4D).shape[1]);
  const scale = side / 8;
  if (!Number.isInteger(scale) || scale < 1) {
    throw new InvalidFileError('model', 'a model whose output is an integer multiple of its input', `${side} / 8`);
  }
  return scale;
}
