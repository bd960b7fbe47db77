import type * as tf from '@tensorflow/tfjs';

import { assertInteger, assertIsTensor, describedAs, InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

/**
 * Which planes PSNR and SSIM compare.
 * - `'y'` (default): luma as MATLAB's `rgb2ycbcr` computes it (ITU-R BT.601 studio swing,
 *   Y = 16 + 65.481 R + 128.553 G + 24.966 B for R, G, B in [0, 1], so Y is in [16, 235]); the
 *   convention of super-resolution papers and BasicSR.
 * - `'y-full-range'`: BT.601 full-range luma, Y = 0.299 R + 0.587 G + 0.114 B in [0, 255] (JPEG's YCbCr).
 * - `'rgb'`: every channel; PSNR over all of them, SSIM averaged over channels.
 *
 * Greyscale images (1 channel) are compared as they are in every mode, as BasicSR does.
 */
export type ImageQualityChannel = 'y' | 'y-full-range' | 'rgb';

export const imageQualityChannels: readonly ImageQualityChannel[] = ['y', 'y-full-range', 'rgb'];

/** Options shared by {@link psnr} and {@link ssim}. Every default follows the SR convention. */
export interface ImageQualityOptions {
  /**
   * The range of the input values, mapped to [0, 255]. Default `[-1, 1]`, the range of GANForge
   * images and tanh generators; `[0, 255]` for 8-bit pixels, `[0, 1]` for unit-range images.
   * Values outside the range throw. Left to the default, `a` or `b` whose values all lie in [0, 1]
   * throw too: they are far more likely unit-range images than [-1, 1] images that are all at
   * least mid-grey, and read as [-1, 1] they would measure 6 dB too high (PSNR); pass the range
   * explicitly to measure them.
   */
  readonly inputRange?: readonly [number, number];
  /** Planes to compare. Default `'y'`. */
  readonly channel?: ImageQualityChannel;
  /**
   * Pixels removed at each border before measuring. SR papers crop the scale factor (4 for x4).
   * Default 0.
   */
  readonly cropBorder?: number;
  /**
   * Round the [0, 255] values to integers first (half to even, as numpy and PyTorch round), as SR
   * evaluations do when they measure saved 8-bit images (BasicSR's `tensor2img`). Default true.
   */
  readonly quantize?: boolean;
}

/** One value per image, and their mean (how SR papers average over a test set). */
export interface PerImageResult {
  readonly values: number[];
  readonly mean: number;
}

/** The compared planes of one image pair, in [0, 255] (Y in [16, 235]), cropped, as float64. */
export interface PlanePair {
  readonly a: Float64Array[];
  readonly b: Float64Array[];
}

export interface PreparedImages {
  readonly pairs: PlanePair[];
  readonly height: number;
  readonly width: number;
}

// Values may exceed the declared range by float error; anything further is a wrong range.
const rangeTolerance = 1e-3;

function validateRange(range: unknown): readonly [number, number] {
  const valid =
    Array.isArray(range) &&
    range.length === 2 &&
    range.every((value) => typeof value === 'number' && Number.isFinite(value)) &&
    range[0] < range[1];
  if (!valid) {
    throw new InvalidArgumentError('options.inputRange', '[min, max] with finite min < max', range);
  }
  return range as unknown as readonly [number, number];
}

const defaultInputRange = [-1, 1] as const;

/**
 * Under the default [-1, 1], an image set whose values all lie in [0, 1] is most likely unit-range
 * (its differences would be read at half size: 20 log10(2) = 6.02 dB too much PSNR), so the range
 * must be said explicitly. One set is enough: a network's unit-range output may undershoot 0 a little
 * while the ground truth does not. Values are already known to lie in [-1, 1] here.
 */
function assertNotUnitRange(a: tf.TypedArray, b: tf.TypedArray): void {
  for (const [values, argument] of [
    [a, 'a'],
    [b, 'b'],
  ] as const) {
    if (values.every((value) => value >= 0)) {
      throw new InvalidArgumentError(
        'options.inputRange',
        `the range given explicitly when every value of ${argument} lies in [0, 1] (unit-range images read as the default [-1, 1] measure 6 dB too high)`,
        describedAs('none (the default [-1, 1])'),
        'Pass { inputRange: [0, 1] } for images in [0, 1], or { inputRange: [-1, 1] } if they are [-1, 1] images that are all at least mid-grey.',
      );
    }
  }
}

function roundHalfToEven(value: number): number {
  const rounded = Math.round(value);
  return rounded - value === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/**
 * Validates an image pair and returns its compared planes (per image, per plane), converted as
 * `options` say. `minimumSide` is the smallest height/width allowed after cropping.
 */
export async function prepareImagePair(
  a: tf.Tensor,
  b: tf.Tensor,
  options: ImageQualityOptions,
  minimumSide: number,
): Promise<PreparedImages> {
  assertIsTensor(a, 'a');
  assertIsTensor(b, 'b');
  for (const [tensor, argument] of [
    [a, 'a'],
    [b, 'b'],
  ] as const) {
    const channels = tensor.shape[tensor.rank - 1];
    if ((tensor.rank !== 3 && tensor.rank !== 4) || (channels !== 1 && channels !== 3)) {
      throw new ShapeMismatchError(
        argument,
        '[height, width, 1 | 3] or [batch, height, width, 1 | 3]',
        tensor.shape,
        'Pass NHWC images with 1 (grey) or 3 (RGB) channels.',
      );
    }
  }
  if (a.rank !== b.rank || a.shape.some((size, axis) => size !== b.shape[axis])) {
    throw new ShapeMismatchError('b', `[${a.shape.join(', ')}] (the shape of a)`, b.shape);
  }
  const options_ = options ?? {};
  const channel = options_.channel ?? 'y';
  if (!imageQualityChannels.includes(channel)) {
    throw new InvalidArgumentError('options.channel', `one of ${imageQualityChannels.join(', ')}`, channel);
  }
  const [low, high] = validateRange(options_.inputRange ?? defaultInputRange);
  const quantize = options_.quantize ?? true;
  const crop = options_.cropBorder ?? 0;
  assertInteger(crop, 0, Number.MAX_SAFE_INTEGER, 'options.cropBorder');

  const shape4 = a.rank === 4 ? a.shape : [1, ...a.shape];
  const [count, height, width, channels] = shape4 as [number, number, number, number];
  const croppedHeight = height - 2 * crop;
  const croppedWidth = width - 2 * crop;
  if (crop === 0 && (height < minimumSide || width < minimumSide)) {
    // The images themselves are too small (SSIM's window is 11x11): not a border to change.
    throw new ShapeMismatchError(
      'a',
      `[${a.rank === 4 ? 'batch, ' : ''}height >= ${minimumSide}, width >= ${minimumSide}, channels]`,
      a.shape,
      minimumSide > 1 ? `SSIM compares ${minimumSide}x${minimumSide} windows; use psnr for smaller images.` : undefined,
    );
  }
  if (croppedHeight < minimumSide || croppedWidth < minimumSide) {
    throw new InvalidArgumentError(
      'options.cropBorder',
      `a border that leaves at least ${minimumSide}x${minimumSide} pixels`,
      describedAs(`${crop}, which leaves ${croppedHeight}x${croppedWidth} of the ${height}x${width} images`),
    );
  }

  const [valuesA, valuesB] = await Promise.all([a.data(), b.data()]);
  const scale = 255 / (high - low);
  const toPixels = (values: tf.TypedArray, argument: string): Float64Array => {
    const out = new Float64Array(values.length);
    const tolerance = rangeTolerance * (high - low);
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (!(value >= low - tolerance && value <= high + tolerance)) {
        throw new InvalidArgumentError(
          argument,
          `values in options.inputRange [${low}, ${high}]`,
          describedAs(`${value} at flat index ${i}`),
          'Set options.inputRange to the range of your images (e.g. [0, 255] for 8-bit pixels), or clip them.',
        );
      }
      const pixel = Math.min(255, Math.max(0, (value - low) * scale));
      out[i] = quantize ? roundHalfToEven(pixel) : pixel;
    }
    return out;
  };
  const pixelsA = toPixels(valuesA, 'a');
  const pixelsB = toPixels(valuesB, 'b');
  if (options_.inputRange === undefined) assertNotUnitRange(valuesA, valuesB);

  const planesOf = (pixels: Float64Array, image: number): Float64Array[] => {
    const planeCount = channels === 3 && channel === 'rgb' ? 3 : 1;
    const planes = Array.from({ length: planeCount }, () => new Float64Array(croppedHeight * croppedWidth));
    const imageOffset = image * height * width * channels;
    for (let y = 0; y < croppedHeight; y++) {
      for (let x = 0; x < croppedWidth; x++) {
        const source = imageOffset + ((y + crop) * width + (x + crop)) * channels;
        const target = y * croppedWidth + x;
        if (channels === 1) {
          planes[0]![target] = pixels[source]!;
        } else if (channel === 'rgb') {
          for (let c = 0; c < 3; c++) planes[c]![target] = pixels[source + c]!;
        } else {
          const r = pixels[source]!;
          const g = pixels[source + 1]!;
          const bl = pixels[source + 2]!;
          planes[0]![target] =
            channel === 'y'
              ? // MATLAB rgb2ycbcr, coefficients for R, G, B in [0, 1] applied to [0, 255] values.
                16 + (65.481 * r + 128.553 * g + 24.966 * bl) / 255
              : 0.299 * r + 0.587 * g + 0.114 * bl;
        }
      }
    }
    return planes;
  };

  const pairs = Array.from({ length: count }, (_, image) => ({
    a: planesOf(pixelsA, image),
    b: planesOf(pixelsB, image),
  }));
  return { pairs, height: croppedHeight, width: croppedWidth };
}

export function meanOf(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
