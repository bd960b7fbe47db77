import * as tf from '@tensorflow/tfjs';

import { binomialFilterRows } from './binomial-filter.js';
import { assertImageBatch } from './image-batch.js';
import { alongAxis } from './reflect-101.js';

/**
 * Blurs and halves an NHWC batch like OpenCV's `cv2.pyrDown` with its default size: the 5-tap
 * binomial kernel [1 4 6 4 1] / 16 along each axis with BORDER_REFLECT_101, then every other row
 * and column from the first, so a side of n becomes ceil(n / 2) (odd sizes included). Any channel
 * count, differentiable (built from slices, adds and reshapes).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { pyrDown } from '@ganforge/laplacian';
 *
 * const images = tf.randomUniform([8, 28, 28, 3], -1, 1) as tf.Tensor4D;
 * const half = pyrDown(images); // [8, 14, 14, 3]
 * ```
 */
export function pyrDown(x: tf.Tensor4D): tf.Tensor4D {
  assertImageBatch(x, 'x');
  return tf.tidy(() => {
    const halveRows = (rows: tf.Tensor2D) => keepEvenRows(binomialFilterRows(rows));
    return alongAxis(alongAxis(x, 1, halveRows), 2, halveRows);
  });
}

/** Keeps rows 0, 2, 4, ...: ceil(n / 2) of them. */
function keepEvenRows(rows: tf.Tensor2D): tf.Tensor2D {
  const [size, width] = rows.shape;
  if (size === 1) return rows;
  const kept = Math.ceil(size / 2);
  // An odd count gets one zero row so that rows pair up; each pair becomes one row of twice the
  // width, whose first half is the even row.
  const even =
    size % 2 === 0
      ? rows
      : tf.pad(rows, [
          [0, 1],
          [0, 0],
        ]);
  return tf.slice(even.reshape([kept, 2 * width]) as tf.Tensor2D, [0, 0], [kept, width]);
}
