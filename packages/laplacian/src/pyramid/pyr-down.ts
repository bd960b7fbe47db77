import * as tf from '@tensorflow/tfjs';

import { binomialFilter } from './binomial-filter.js';
import { assertImageBatch } from './image-batch.js';
import type { SpatialAxis } from './reflect-101.js';

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
  return tf.tidy(() => halve(binomialFilter(halve(binomialFilter(x, 1), 1), 2), 2));
}

/** Keeps indices 0, 2, 4, ... of `axis`: ceil(n / 2) of them. */
function halve(x: tf.Tensor4D, axis: SpatialAxis): tf.Tensor4D {
  const size = x.shape[axis];
  if (size === 1) return x;
  const kept = Math.ceil(size / 2);
  // An odd axis gets one zero row so that it splits into (kept, 2) pairs; the zeros are dropped.
  const padding: [number, number][] = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  padding[axis] = [0, 2 * kept - size];
  const even = size % 2 === 0 ? x : tf.pad(x, padding);
  const [batch, height, width, channels] = even.shape;
  const pairs =
    axis === 1 ? even.reshape([batch, kept, 2, width, channels]) : even.reshape([batch, height, kept, 2, channels]);
  const begin = [0, 0, 0, 0, 0];
  const extent = pairs.shape.slice();
  extent[axis + 1] = 1;
  const first = tf.slice(pairs, begin, extent);
  const shape = even.shape.slice() as [number, number, number, number];
  shape[axis] = kept;
  return first.reshape(shape);
}
