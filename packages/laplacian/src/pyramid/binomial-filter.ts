import * as tf from '@tensorflow/tfjs';

import { padRowsReflect101 } from './reflect-101.js';

/** The 5-tap binomial kernel [1 4 6 4 1] / 16 of OpenCV's pyrDown and pyrUp (Burt & Adelson 1983). */
export const binomialKernel = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16] as const;

/**
 * Convolves the rows (axis 0) of `rows` with the binomial kernel times `gain`, reflect-101 borders,
 * same size. A weighted sum of five shifted row ranges: cheap for a 5-tap kernel, and
 * differentiable everywhere.
 */
export function binomialFilterRows(rows: tf.Tensor2D, gain = 1): tf.Tensor2D {
  const size = rows.shape[0];
  const padded = padRowsReflect101(rows, 2, 2);
  let sum: tf.Tensor2D | undefined;
  binomialKernel.forEach((weight, tap) => {
    const term = tf.mul(tf.slice(padded, [tap, 0], [size, -1]), weight * gain) as tf.Tensor2D;
    sum = sum === undefined ? term : (tf.add(sum, term) as tf.Tensor2D);
  });
  return sum!;
}
