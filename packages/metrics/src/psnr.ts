import type * as tf from '@tensorflow/tfjs';

import { type ImageQualityOptions, meanOf, type PerImageResult, prepareImagePair } from './image-quality-input.js';

/**
 * Peak signal-to-noise ratio in dB, 10 log10(255^2 / MSE), per image and averaged over the batch,
 * with the super-resolution convention by default: Y channel as MATLAB's `rgb2ycbcr` computes it,
 * values quantized to 8 bits, `cropBorder` pixels (the scale factor) removed at each border, data
 * range 255 (as BasicSR's `calculate_psnr(..., test_y_channel=True)`). Identical images give Infinity.
 *
 * Throws `InvalidArgumentError` for values outside `options.inputRange`, and for images whose
 * values all lie in [0, 1] when `inputRange` is left to its default [-1, 1] (pass `[0, 1]`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { psnr } from '@ganforge/metrics';
 *
 * const hr = tf.randomUniform([2, 32, 32, 3], -1, 1); // images in [-1, 1]
 * const sr = hr.add(tf.randomNormal(hr.shape, 0, 0.05)).clipByValue(-1, 1);
 * const { values, mean } = await psnr(sr, hr, { cropBorder: 4 }); // x4 SR convention
 * ```
 */
export async function psnr(a: tf.Tensor, b: tf.Tensor, options: ImageQualityOptions = {}): Promise<PerImageResult> {
  const { pairs } = await prepareImagePair(a, b, options, 1);
  const values = pairs.map(({ a: planesA, b: planesB }) => {
    let squaredError = 0;
    let count = 0;
    planesA.forEach((planeA, index) => {
      const planeB = planesB[index]!;
      for (let i = 0; i < planeA.length; i++) {
        const difference = planeA[i]! - planeB[i]!;
        squaredError += difference * difference;
      }
      count += planeA.length;
    });
    const mse = squaredError / count;
    return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
  });
  return { values, mean: meanOf(values) };
}
