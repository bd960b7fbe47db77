import * as tf from '@tensorflow/tfjs';

import { assertIsTensor } from '@ganforge/core';

/** Maps pixel values in [0, 255] to [-1, 1], the range of a tanh generator (DCGAN sec. 3). */
export function pixelsToSymmetric(pixels: tf.Tensor): tf.Tensor {
  assertIsTensor(pixels, 'pixels');
  return tf.tidy(() => pixels.toFloat().div(127.5).sub(1));
}

/** Maps [-1, 1] back to integer pixels in [0, 255] (clipping values outside the range). */
export function symmetricToPixels(images: tf.Tensor): tf.Tensor {
  assertIsTensor(images, 'images');
  return tf.tidy(() => images.clipByValue(-1, 1).add(1).mul(127.5).round().toInt());
}
