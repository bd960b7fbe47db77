import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

import { assertImageBatch } from './image-batch.js';
import { assertLevels } from './pyramid-levels.js';
import { pyrDown } from './pyr-down.js';
import { pyrUp } from './pyr-up.js';

/**
 * The Gaussian pyramid [x, pyrDown(x), pyrDown(pyrDown(x)), ...] with `levels` entries, finest
 * first. The caller owns (and disposes) every returned tensor, the first included.
 *
 * @example
 * ```ts
 * const [full, half, quarter] = buildGaussianPyramid(images, 3); // 28x28, 14x14, 7x7
 * ```
 */
export function buildGaussianPyramid(x: tf.Tensor4D, levels: number): tf.Tensor4D[] {
  assertImageBatch(x, 'x');
  assertLevels(levels, x.shape[1], x.shape[2], 'levels');
  const pyramid: tf.Tensor4D[] = [tf.clone(x)];
  for (let level = 1; level < levels; level++) pyramid.push(pyrDown(pyramid[level - 1]!));
  return pyramid;
}

/**
 * The Laplacian pyramid (Burt & Adelson 1983) with `levels` entries, finest first: band-pass
 * residuals h_k = G_k - pyrUp(G_{k+1}) for k < levels - 1, then the coarsest Gaussian level
 * G_{levels-1}. Odd sizes are handled by upsampling to the finer level's exact size. The caller owns
 * the returned tensors; {@link reconstructLaplacianPyramid} inverts it exactly (up to float rounding).
 *
 * @example
 * ```ts
 * const pyramid = buildLaplacianPyramid(images, 3); // [h0: 28x28, h1: 14x14, G2: 7x7]
 * const again = reconstructLaplacianPyramid(pyramid); // equals images within ~1e-6
 * ```
 */
export function buildLaplacianPyramid(x: tf.Tensor4D, levels: number): tf.Tensor4D[] {
  assertImageBatch(x, 'x');
  assertLevels(levels, x.shape[1], x.shape[2], 'levels');
  return tf.tidy(() => {
    const gaussian = [x];
    for (let level = 1; level < levels; level++) gaussian.push(pyrDown(gaussian[level - 1]!));
    const pyramid = gaussian
      .slice(0, -1)
      .map((fine, level) => tf.sub(fine, pyrUp(gaussian[level + 1]!, [fine.shape[1], fine.shape[2]]))) as tf.Tensor4D[];
    // tf.clone: a one-level pyramid must not hand back the caller's own tensor.
    pyramid.push(tf.clone(gaussian[levels - 1]!));
    return pyramid;
  });
}

/**
 * Rebuilds the image from a Laplacian pyramid (finest first, coarsest Gaussian level last):
 * I_k = pyrUp(I_{k+1}, size of h_k) + h_k, from the coarsest level up.
 *
 * @example
 * ```ts
 * const image = reconstructLaplacianPyramid(buildLaplacianPyramid(images, 4));
 * ```
 */
export function reconstructLaplacianPyramid(pyramid: readonly tf.Tensor4D[]): tf.Tensor4D {
  if (!Array.isArray(pyramid) || pyramid.length === 0) {
    throw new InvalidArgumentError('pyramid', 'a non-empty array of levels, finest first', pyramid);
  }
  pyramid.forEach((level, index) => assertImageBatch(level, `pyramid[${index}]`));
  const [batch, , , channels] = pyramid[0]!.shape;
  for (let index = 1; index < pyramid.length; index++) {
    const [finerHeight, finerWidth] = [pyramid[index - 1]!.shape[1], pyramid[index - 1]!.shape[2]];
    const expected = [batch, Math.ceil(finerHeight / 2), Math.ceil(finerWidth / 2), channels];
    if (!tf.util.arraysEqual(pyramid[index]!.shape, expected)) {
      throw new ShapeMismatchError(
        `pyramid[${index}]`,
        `[${expected.join(', ')}] (half of pyramid[${index - 1}], rounded up)`,
        pyramid[index]!.shape,
        'Pass the levels in the order buildLaplacianPyramid returns them, finest first.',
      );
    }
  }
  return tf.tidy(() => {
    let image = pyramid[pyramid.length - 1]!;
    for (let index = pyramid.length - 2; index >= 0; index--) {
      const residual = pyramid[index]!;
      image = tf.add(pyrUp(image, [residual.shape[1], residual.shape[2]]), residual);
    }
    return pyramid.length === 1 ? tf.clone(image) : image;
  });
}
