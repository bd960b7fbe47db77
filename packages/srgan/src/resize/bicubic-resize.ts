import * as tf from '@tensorflow/tfjs';

import { assertIsTensor, InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

export interface BicubicResizeOptions {
  /** Resize factor (e.g. 0.25 or 4); the output side is ceil(side * scale), as in MATLAB. */
  readonly scale?: number;
  /** Output [height, width]; give this or `scale`. */
  readonly size?: readonly [number, number];
  /** Widen the kernel by 1/scale when downscaling (MATLAB's default). Default true. */
  readonly antialias?: boolean;
}

/**
 * Keys' cubic convolution kernel with a = -0.5 (Keys 1981, eq. 15), the kernel of MATLAB's
 * `imresize(..., 'bicubic')`.
 */
export function keysCubic(x: number): number {
  const t = Math.abs(x);
  if (t <= 1) return 1.5 * t ** 3 - 2.5 * t ** 2 + 1;
  if (t < 2) return -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2;
  return 0;
}

/**
 * The resampling matrix of one axis, [outLength, inLength], row i holding the weights of output
 * sample i, computed as MATLAB's `imresize>contributions`: output i (1-based) sits at
 * u = i / scale + (1 - 1 / scale) / 2 in input coordinates, the kernel is stretched by 1 / scale
 * when antialiasing a downscale, weights are normalised to sum to 1, and taps that fall outside the
 * input are mirrored back in (symmetric padding, edge sample repeated).
 */
export function bicubicWeights(inLength: number, outLength: number, scale: number, antialias = true): Float32Array {
  const stretch = scale < 1 && antialias ? scale : 1;
  const kernelWidth = 4 / stretch;
  const taps = Math.ceil(kernelWidth) + 2;
  const matrix = new Float32Array(outLength * inLength);
  const weights = new Float64Array(taps);
  for (let out = 1; out <= outLength; out++) {
    const center = out / scale + 0.5 * (1 - 1 / scale);
    const left = Math.floor(center - kernelWidth / 2);
    let sum = 0;
    for (let tap = 0; tap < taps; tap++) {
      const weight = stretch * keysCubic(stretch * (center - (left + tap)));
      weights[tap] = weight;
      sum += weight;
    }
    for (let tap = 0; tap < taps; tap++) {
      const source = mirrorIndex(left + tap, inLength);
      const position = (out - 1) * inLength + source;
      matrix[position] = matrix[position]! + weights[tap]! / sum;
    }
  }
  return matrix;
}

/** 1-based index mirrored into [1, length] as MATLAB's aux = [1:n, n:-1:1]; returns 0-based. */
function mirrorIndex(index: number, length: number): number {
  const period = 2 * length;
  const position = (((index - 1) % period) + period) % period;
  return position < length ? position : period - 1 - position;
}

/**
 * Resizes images with bicubic interpolation as MATLAB's `imresize` does (Keys cubic, a = -0.5,
 * antialiased when downscaling, symmetric borders): the way super-resolution benchmarks make their
 * low-resolution inputs (SRGAN sec. 3.1). Works on [height, width, channels] or
 * [batch, height, width, channels] float images of any range; the result is float32 and not
 * clipped (bicubic overshoots near edges). Each axis is one matrix product, so it is differentiable
 * and fast on every backend.
 *
 * @example
 * ```ts
 * const lowResolution = bicubicResize(highResolution, { scale: 1 / 4 }); // [B, 96, 96, 3] -> [B, 24, 24, 3]
 * const upscaled = bicubicResize(lowResolution, { scale: 4 }); // the bicubic baseline
 * ```
 */
export function bicubicResize<T extends tf.Tensor3D | tf.Tensor4D>(images: T, options: BicubicResizeOptions): T {
  assertIsTensor(images, 'images');
  if (images.rank !== 3 && images.rank !== 4) {
    throw new ShapeMismatchError(
      'images',
      '[height, width, channels] or [batch, height, width, channels]',
      images.shape,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', '{ scale } or { size: [height, width] }', options);
  }
  const batched = images.rank === 4;
  const [height, width] = (batched ? images.shape.slice(1, 3) : images.shape.slice(0, 2)) as [number, number];
  let outHeight: number;
  let outWidth: number;
  let scaleY: number;
  let scaleX: number;
  if (options.size !== undefined) {
    if (options.scale !== undefined) {
      throw new InvalidArgumentError('options', 'either scale or size, not both', options);
    }
    const size = options.size;
    if (!Array.isArray(size) || size.length !== 2 || !size.every((side) => Number.isInteger(side) && side >= 1)) {
      throw new InvalidArgumentError('options.size', '[height, width] with positive integers', size);
    }
    [outHeight, outWidth] = size as [number, number];
    scaleY = outHeight / height;
    scaleX = outWidth / width;
  } else {
    const scale = options.scale;
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
      throw new InvalidArgumentError('options.scale', 'a positive number (e.g. 0.25 or 4)', scale);
    }
    // MATLAB: ceil(side * scale); the rounding guards 0.1 + 0.2-style float noise (ceil(100 * 0.29) = 29).
    outHeight = Math.ceil(Number((height * scale).toFixed(9)));
    outWidth = Math.ceil(Number((width * scale).toFixed(9)));
    scaleY = scale;
    scaleX = scale;
  }
  const antialias = options.antialias ?? true;
  return tf.tidy(() => {
    const rowWeights = tf.tensor2d(bicubicWeights(height, outHeight, scaleY, antialias), [outHeight, height]);
    const columnWeights = tf.tensor2d(bicubicWeights(width, outWidth, scaleX, antialias), [outWidth, width]);
    const input = (batched ? images : images.expandDims(0)).toFloat() as tf.Tensor4D;
    const [batch, , , channels] = input.shape;
    // Rows: [H, B*W*C] -> [H', B*W*C].
    const rows = tf
      .matMul(rowWeights, input.transpose([1, 0, 2, 3]).reshape([height, batch * width * channels]))
      .reshape([outHeight, batch, width, channels]);
    // Columns: [W, H'*B*C] -> [W', H'*B*C], then back to [B, H', W', C].
    const resized = tf
      .matMul(columnWeights, rows.transpose([2, 0, 1, 3]).reshape([width, outHeight * batch * channels]))
      .reshape([outWidth, outHeight, batch, channels])
      .transpose([2, 1, 0, 3]);
    return (batched ? resized : resized.squeeze([0])) as T;
  });
}
