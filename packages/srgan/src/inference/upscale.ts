import * as tf from '@tensorflow/tfjs';

import { assertInteger, InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

import { assertImageChannels } from '../image-channels.js';
import { assertUpscaledSizeWithinLimit, defaultMaxUpscaledPixels } from './upscaled-size-limit.js';
import { type UpscalingModel, upscalingModel } from './upscaling-model.js';

export interface UpscaleProgress {
  /** Tiles done. */
  readonly completed: number;
  readonly total: number;
  /** completed / total. */
  readonly fraction: number;
}

export interface UpscaleOptions {
  /** Side of each tile in low-resolution pixels, before padding. Default 64. */
  readonly patchSize?: number;
  /**
   * Context added around each tile (low-resolution pixels) and cut off the result. When it covers
   * the model's receptive field the tiled result equals the whole-image result. Default: the
   * model's `padding` when known (SRResNet's receptive radius), else 16.
   */
  readonly padding?: number;
  /** Cancels between tiles: the promise rejects with the signal's reason and no tensors leak. */
  readonly signal?: AbortSignal;
  /**
   * Largest output, in pixels (height x width after upscaling), checked before the output is
   * allocated (before the first tile when the model's scale is known, else right after it). Default
   * {@link defaultMaxUpscaledPixels} (2^26).
   */
  readonly maxOutputPixels?: number;
  /** What raises `maxOutputPixels`, named in the SizeLimitError. Default `'options.maxOutputPixels'`. */
  readonly maxOutputPixelsOption?: string;
  onProgress?(progress: UpscaleProgress): void;
}

/**
 * Upscales one image tile by tile, each tile run with `padding` pixels of surrounding context that
 * are cut off again, so there are no seams and tensor memory stays bounded by one padded tile
 * however large the image (the result is gathered in a typed array). Input: pixels 0-255,
 * [height, width, channels] or [1, height, width, channels] with the model's channels (3, RGB, for
 * SRResNet and UpscalerJS models); output: float32 pixels 0-255 (clipped), [height * scale, width * scale, channels].
 * An RGBA image is refused: upscale its colour here and its alpha with `bicubicResize`.
 *
 * @throws ShapeMismatchError (`image`) naming the expected channels for any other shape, e.g. a 4-, 2-
 *   or 1-channel image given to an RGB model; InvalidArgumentError for bad options or a model that
 *   does not upscale by an integer factor.
 *
 * @example
 * ```ts
 * const generator = srresnet({ blocks: 16 }); // or loadUpscalingModel(...)
 * const big = await upscale(generator, pixels, { patchSize: 64, onProgress: (p) => console.log(p.fraction) });
 * ```
 */
export async function upscale(
  model: tf.LayersModel | UpscalingModel,
  image: tf.Tensor3D | tf.Tensor4D,
  options: UpscaleOptions = {},
): Promise<tf.Tensor3D> {
  const sr = isUpscalingModel(model) ? model : upscalingModel(model);
  // The channels the model reads (3 for RGB models); a 4-channel RGBA image is refused, not fed to it.
  const modelChannels = sr.model.inputs[0]?.shape.at(-1);
  assertImageChannels(image, 'image', {
    channels: typeof modelChannels === 'number' ? modelChannels : 3,
    ranks: [3, 4],
    singleBatch: true,
  });
  const [height, width, channels] = (image.rank === 4 ? image.shape.slice(1) : image.shape) as [number, number, number];
  const patchSize = options.patchSize ?? 64;
  assertInteger(patchSize, 1, 1 << 16, 'options.patchSize');
  const padding = options.padding ?? sr.padding ?? 16;
  assertInteger(padding, 0, 1 << 16, 'options.padding');
  const maxOutputPixels = options.maxOutputPixels ?? defaultMaxUpscaledPixels;
  const limitOption = options.maxOutputPixelsOption ?? 'options.maxOutputPixels';
  if (sr.scale !== undefined) assertUpscaledSizeWithinLimit(height, width, sr.scale, maxOutputPixels, limitOption);
  const signal = options.signal;
  signal?.throwIfAborted();

  const [inLow, inHigh] = sr.inputRange;
  const [outLow, outHigh] = sr.outputRange;
  const pixels = tf.tidy(() => (image.rank === 4 ? image.squeeze([0]) : image).toFloat()) as tf.Tensor3D;
  const rows = Math.ceil(height / patchSize);
  const columns = Math.ceil(width / patchSize);
  const total = rows * columns;
  let scale = sr.scale;
  let output: Float32Array | undefined;
  try {
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        signal?.throwIfAborted();
        const top = row * patchSize;
        const left = column * patchSize;
        const tileHeight = Math.min(patchSize, height - top);
        const tileWidth = Math.min(patchSize, width - left);
        // The padded window, clipped to the image: at the image's own border the model pads as it does for the whole image.
        const windowTop = Math.max(0, top - padding);
        const windowLeft = Math.max(0, left - padding);
        const windowBottom = Math.min(height, top + tileHeight + padding);
        const windowRight = Math.min(width, left + tileWidth + padding);
        const window = tf.tidy(() => {
          const input = pixels
            .slice([windowTop, windowLeft, 0], [windowBottom - windowTop, windowRight - windowLeft, channels])
            .mul((inHigh - inLow) / 255)
            .add(inLow)
            .expandDims(0);
          return sr.model.predict(input) as tf.Tensor4D;
        });
        if (scale === undefined) {
          scale = window.shape[1] / (windowBottom - windowTop);
          if (!Number.isInteger(scale) || window.shape[2] !== scale * (windowRight - windowLeft)) {
            window.dispose();
            throw new InvalidArgumentError(
              'model',
              'a model whose output is an integer multiple of its input in height and width',
              window.shape,
            );
          }
        }
        if (window.shape[3] !== channels || window.shape[1] !== scale * (windowBottom - windowTop)) {
          window.dispose();
          throw new ShapeMismatchError(
            'model output',
            `[1, ${scale * (windowBottom - windowTop)}, ${scale * (windowRight - windowLeft)}, ${channels}]`,
            window.shape,
          );
        }
        const tile = tf.tidy(() =>
          window
            .slice(
              [0, (top - windowTop) * scale!, (left - windowLeft) * scale!, 0],
              [1, tileHeight * scale!, tileWidth * scale!, channels],
            )
            .sub(outLow)
            .mul(255 / (outHigh - outLow))
            .clipByValue(0, 255),
        );
        window.dispose();
        const values = await tile.data();
        tile.dispose();
        if (output === undefined) {
          assertUpscaledSizeWithinLimit(height, width, scale!, maxOutputPixels, limitOption);
          output = new Float32Array(height * scale! * width * scale! * channels);
        }
        const outWidth = width * scale;
        const rowLength = tileWidth * scale * channels;
        for (let y = 0; y < tileHeight * scale; y++) {
          const target = ((top * scale + y) * outWidth + left * scale) * channels;
          output.set(values.subarray(y * rowLength, (y + 1) * rowLength) as Float32Array, target);
        }
        options.onProgress?.({
          completed: row * columns + column + 1,
          total,
          fraction: (row * columns + column + 1) / total,
        });
      }
    }
  } finally {
    pixels.dispose();
  }
  return tf.tensor3d(output!, [height * scale!, width * scale!, channels]);
}

function isUpscalingModel(value: tf.LayersModel | UpscalingModel): value is UpscalingModel {
  return typeof value === 'object' && value !== null && 'model' in value && 'inputRange' in value;
}
