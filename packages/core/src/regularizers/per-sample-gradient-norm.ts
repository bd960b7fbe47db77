import * as tf from '@tensorflow/tfjs';

/**
 * The squared L2 norm, per sample, of d sum(D(x)) / dx. Because samples do not interact in a
 * discriminator without batch statistics, row i of that gradient is dD(x_i)/dx_i.
 */
export function perSampleSquaredGradientNorm(
  discriminate: (images: tf.Tensor) => tf.Tensor,
  images: tf.Tensor,
): tf.Tensor1D {
  const gradient = tf.grad((x: tf.Tensor) => discriminate(x).sum())(images);
  const flat = gradient.reshape([images.shape[0] ?? 0, -1]);
  return tf.square(flat).sum(1) as tf.Tensor1D;
}
