import * as tf from '@tensorflow/tfjs';

import { assertInteger, InvalidArgumentError, modelFromArtifactsWithinBudget } from '@ganforge/core';

import { weightsHandler } from '../vgg/load-layer-weights.js';

/** A super-resolution model and how to feed it: what {@link upscale} runs. */
export interface UpscalingModel {
  readonly model: tf.LayersModel;
  /** Upscaling factor; inferred from the first tile when absent. */
  readonly scale?: number;
  /** Values the model reads for pixel 0 and pixel 255, e.g. [-1, 1] (GANForge) or [0, 255] (UpscalerJS RDN). */
  readonly inputRange: readonly [number, number];
  /** Values the model writes for pixel 0 and pixel 255. */
  readonly outputRange: readonly [number, number];
  /** Tile padding (low-resolution pixels) that covers the model's receptive field, when known. */
  readonly padding?: number;
}

/** What GANForge stores in a model.json's `userDefinedMetadata.ganforge`. */
export interface UpscalingMetadata {
  readonly scale?: number;
  readonly inputRange?: readonly [number, number];
  readonly outputRange?: readonly [number, number];
  readonly padding?: number;
}

/** GANForge generators read and write images in [-1, 1]. */
export const symmetricRange: readonly [number, number] = [-1, 1];

/**
 * Wraps a model as an {@link UpscalingModel}, with ranges and scale from `metadata`, else from the
 * model.json's `userDefinedMetadata.ganforge` (written by {@link saveUpscalingModel}), else [-1, 1].
 */
export function upscalingModel(model: tf.LayersModel, metadata: UpscalingMetadata = {}): UpscalingModel {
  if (typeof model?.predict !== 'function') throw new InvalidArgumentError('model', 'a tf.LayersModel', model);
  const stored = (model.getUserDefinedMetadata() as { ganforge?: UpscalingMetadata } | undefined)?.ganforge ?? {};
  const merged = { ...stored, ...definedEntries(metadata) };
  if (merged.scale !== undefined) assertInteger(merged.scale, 1, 64, 'metadata.scale');
  if (merged.padding !== undefined) assertInteger(merged.padding, 0, 4096, 'metadata.padding');
  for (const key of ['inputRange', 'outputRange'] as const) {
    const range = merged[key];
    if (range !== undefined && !(Array.isArray(range) && range.length === 2 && range[0] !== range[1])) {
      throw new InvalidArgumentError(`metadata.${key}`, '[value of pixel 0, value of pixel 255]', range);
    }
  }
  return {
    model,
    scale: merged.scale,
    inputRange: merged.inputRange ?? symmetricRange,
    outputRange: merged.outputRange ?? symmetricRange,
    padding: merged.padding,
  };
}

/**
 * Loads a super-resolution model in tfjs layers format (model.json + shards) from a URL
 * (`http(s)://`, `indexeddb://`, `file://` after importing `@ganforge/srgan/node`) or an IOHandler.
 * Models that use custom layers need them registered first (GANForge's `PixelShuffle` is).
 *
 * The model is built with `modelFromArtifactsWithinBudget` of `@ganforge/core`, not
 * `tf.loadLayersModel`: a topology whose weights the stored weights do not match in shape and dtype
 * (a downloaded model.json asking for a layer of 1e9 units) is refused before tfjs allocates it.
 *
 * @throws InvalidFileError naming the source when its topology and weights do not fit or tfjs cannot
 *   build it; SizeLimitError for a topology nested or layered beyond the limits; what the IOHandler
 *   throws (for `file://`: UnsafePathError, SizeLimitError, InvalidFileError, FileNotFoundError).
 *
 * @example
 * ```ts
 * const sr = await loadUpscalingModel('https://example.com/srresnet/model.json');
 * const image = await upscale(sr, pixels, { patchSize: 64, padding: 16 });
 * ```
 */
export async function loadUpscalingModel(
  source: string | tf.io.IOHandler,
  metadata: UpscalingMetadata = {},
): Promise<UpscalingModel> {
  const handler = weightsHandler(source, 'source');
  if (typeof handler.load !== 'function') {
    throw new InvalidArgumentError('source', 'a URL or IOHandler that can load a model', source);
  }
  const artifacts = await handler.load();
  const model = await modelFromArtifactsWithinBudget(artifacts, {
    file: typeof source === 'string' ? source : 'the IOHandler source',
  });
  if (artifacts.userDefinedMetadata) model.setUserDefinedMetadata(artifacts.userDefinedMetadata);
  return upscalingModel(model, metadata);
}

/**
 * Saves a generator in tfjs layers format with its scale, ranges and padding in the model.json's
 * `userDefinedMetadata`, so {@link loadUpscalingModel} and `ganforge upscale` know how to run it.
 *
 * @example
 * ```ts
 * await saveUpscalingModel(generator, 'file://runs/srresnet/model', { scale: 4, padding: srresnetReceptiveRadius({ blocks: 16 }) });
 * ```
 */
export async function saveUpscalingModel(
  model: tf.LayersModel,
  destination: string | tf.io.IOHandler,
  metadata: UpscalingMetadata,
): Promise<tf.io.SaveResult> {
  const previous = model.getUserDefinedMetadata();
  model.setUserDefinedMetadata({ ...(previous ?? {}), ganforge: { ...definedEntries(metadata) } });
  if (typeof destination === 'string') {
    const handlers = tf.io.getSaveHandlers(destination);
    if (handlers.length === 0) {
      throw new InvalidArgumentError(
        'destination',
        'a URL that a tfjs save handler serves (indexeddb://, downloads://, file:// with @ganforge/srgan/node)',
        destination,
      );
    }
    return model.save(handlers[0]!);
  }
  return model.save(destination);
}

function definedEntries<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
