import type * as tf from '@tensorflow/tfjs';

import { type ImageQualityOptions, meanOf, type PerImageResult, prepareImagePair } from './image-quality-input.js';

// Wang et al. 2004, sec. III-C: an 11x11 circular-symmetric Gaussian window with sigma 1.5,
// K1 = 0.01, K2 = 0.03, L = 255.
const windowSize = 11;
const windowSigma = 1.5;
const c1 = (0.01 * 255) ** 2;
const c2 = (0.03 * 255) ** 2;

/** The normalised 1-D Gaussian (OpenCV's getGaussianKernel(11, 1.5)); the 2-D window is its outer product. */
function gaussianWindow(): Float64Array {
  const weights = new Float64Array(windowSize);
  const centre = (windowSize - 1) / 2;
  for (let i = 0; i < windowSize; i++) weights[i] = Math.exp(-((i - centre) ** 2) / (2 * windowSigma ** 2));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

const window1d = gaussianWindow();

/** Separable Gaussian filter over the valid positions only: the output is (h - 10) x (w - 10). */
function filterValid(plane: Float64Array, height: number, width: number): Float64Array {
  const outWidth = width - windowSize + 1;
  const outHeight = height - windowSize + 1;
  const rows = new Float64Array(height * outWidth);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (let k = 0; k < windowSize; k++) sum += window1d[k]! * plane[y * width + x + k]!;
      rows[y * outWidth + x] = sum;
    }
  }
  const out = new Float64Array(outHeight * outWidth);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (let k = 0; k < windowSize; k++) sum += window1d[k]! * rows[(y + k) * outWidth + x]!;
      out[y * outWidth + x] = sum;
    }
  }
  return out;
}

function product(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((value, i) => value * b[i]!);
}

function planeSsim(a: Float64Array, b: Float64Array, height: number, width: number): number {
  const muA = filterValid(a, height, width);
  const muB = filterValid(b, height, width);
  const meanSquareA = filterValid(product(a, a), height, width);
  const meanSquareB = filterValid(product(b, b), height, width);
  const meanProduct = filterValid(product(a, b), height, width);
  let sum = 0;
  for (let i = 0; i < muA.length; i++) {
    const ma = muA[i]!;
    const mb = muB[i]!;
    // Population (biased) moments under the normalised window, as Wang et al. and BasicSR compute them.
    const varianceA = meanSquareA[i]! - ma * ma;
    const varianceB = meanSquareB[i]! - mb * mb;
    const covariance = meanProduct[i]! - ma * mb;
    sum += ((2 * ma * mb + c1) * (2 * covariance + c2)) / ((ma * ma + mb * mb + c1) * (varianceA + varianceB + c2));
  }
  return sum / muA.length;
}

/**
 * Structural similarity (Wang et al. 2004) per image and averaged over the batch: 11x11 Gaussian
 * window with sigma 1.5, K1 = 0.01, K2 = 0.03, data range 255, population covariances, the SSIM
 * map averaged over the valid window positions (no padding). Defaults follow the super-resolution
 * convention (Y channel as MATLAB's `rgb2ycbcr`, 8-bit quantization, `cropBorder` = scale), as
 * BasicSR's `calculate_ssim(..., test_y_channel=True)`; with `channel: 'rgb'` the value is the mean
 * over the three channels. Computed in float64 on the CPU, so it is the same on every backend.
 *
 * Throws `InvalidArgumentError` for values outside `options.inputRange`, and for images whose
 * values all lie in [0, 1] when `inputRange` is left to its default [-1, 1] (pass `[0, 1]`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { ssim } from '@ganforge/metrics';
 *
 * const hr = tf.randomUniform([2, 32, 32, 3], -1, 1); // images in [-1, 1]
 * const sr = hr.add(tf.randomNormal(hr.shape, 0, 0.05)).clipByValue(-1, 1);
 * const { values, mean } = await ssim(sr, hr, { cropBorder: 4 });
 * ```
 */
export async function ssim(a: tf.Tensor, b: tf.Tensor, options: ImageQualityOptions = {}): Promise<PerImageResult> {
  const { pairs, height, width } = await prepareImagePair(a, b, options, windowSize);
  const values = pairs.map(({ a: planesA, b: planesB }) =>
    meanOf(planesA.map((planeA, index) => planeSsim(planeA, planesB[index]!, height, width))),
  );
  return { values, mean: meanOf(values) };
}
