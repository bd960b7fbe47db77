import * as tf from '@tensorflow/tfjs';

import { assertIsTensor, assertRank, ShapeMismatchError } from '@ganforge/core';

/**
 * Pixel-wise MSE between two image batches (SRGAN eq. 4, averaged over every value). On images in
 * [-1, 1] it is 4x the MSE of the same images in [0, 1].
 *
 * @example
 * ```ts
 * const loss = pixelMseLoss(generated, highResolution); // scalar
 * ```
 */
export function pixelMseLoss(generated: tf.Tensor, target: tf.Tensor): tf.Scalar {
  assertSameShape(generated, target, 'generated', 'target');
  return tf.tidy(() => tf.squaredDifference(generated, target).mean() as tf.Scalar);
}

/**
 * Total-variation loss (Aly & Dubois 2005; SRGAN's optional regulariser, sec. 2.2.2): the mean of
 * the squared differences between vertically and horizontally neighbouring pixels, summed over the
 * two directions. Images are [batch, height, width, channels].
 *
 * @example
 * ```ts
 * const smoothness = totalVariationLoss(generated); // 0 for a constant image
 * ```
 */
export function totalVariationLoss(images: tf.Tensor4D): tf.Scalar {
  assertRank(images, 4, 'images', 'Pass [batch, height, width, channels].');
  const [, height, width] = images.shape;
  if (height < 2 || width < 2) {
    throw new ShapeMismatchError('images', '[batch, height >= 2, width >= 2, channels]', images.shape);
  }
  return tf.tidy(() => {
    const vertical = tf.squaredDifference(
      images.slice([0, 1, 0, 0], [-1, -1, -1, -1]),
      images.slice([0, 0, 0, 0], [-1, height - 1, -1, -1]),
    );
    const horizontal = tf.squaredDifference(
      images.slice([0, 0, 1, 0], [-1, -1, -1, -1]),
      images.slice([0, 0, 0, 0], [-1, -1, width - 1, -1]),
    );
    return vertical.mean().add(horizontal.mean()) as tf.Scalar;
  });
}

export function assertSameShape(a: tf.Tensor, b: tf.Tensor, nameA: string, nameB: string): void {
  assertIsTensor(a, nameA);
  assertIsTensor(b, nameB);
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new ShapeMismatchError(nameA, `[${b.shape.join(', ')}] (the shape of ${nameB})`, a.shape);
  }
}
