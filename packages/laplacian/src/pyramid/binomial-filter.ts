import * as tf from '@tensorflow/tfjs';

import { padReflect101, type SpatialAxis } from './reflect-101.js';

/** The 5-tap binomial kernel [1 4 6 4 1] / 16 of OpenCV's pyrDown and pyrUp (Burt & Adelson 1983). */
export const binomialKernel = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16] as const;

/**
 * Convolves `x` along `axis` with the binomial kernel times `gain`, reflect-101 borders, same size.
 * A weighted sum of five shifted slices: cheap for a 5-tap kernel, and differentiable everywhere.
 */
export function binomialFilter(x: tf.Tensor4D, axis: SpatialAxis, gain = 1): tf.Tensor4D {
  const size = x.shape[axis];
  const padded = padReflect101(x, axis, 2, 2);
  let sum: tf.Tensor4D | undefined;
  binomialKernel.forEach((weight, tap) => {
    const begin = [0, 0, 0, 0];
    const extent = [-1, -1, -1, -1];
    begin[axis] = tap;
    extent[axis] = size;
    const term = tf.mul(tf.slice(padded, begin, extent), weight * gain) as tf.Tensor4D;
    sum = sum === undefined ? term : (tf.add(sum, term) as tf.Tensor4D);
  });
  return sum!;
}
