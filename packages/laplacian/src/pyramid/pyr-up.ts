import * as tf from '@tensorflow/tfjs';

import { assertInteger, InvalidArgumentError } from '@ganforge/core';

import { binomialFilter } from './binomial-filter.js';
import { assertImageBatch } from './image-batch.js';
import type { SpatialAxis } from './reflect-101.js';

/** Output size of {@link pyrUp}: [height, width]. */
export type PyrUpSize = readonly [height: number, width: number];

/**
 * Upsamples an NHWC batch like OpenCV's `cv2.pyrUp`: zeros between the samples, then the binomial
 * kernel [1 4 6 4 1] / 16 times 2 along each axis (4 in all, so brightness is kept) with
 * BORDER_REFLECT_101 on the doubled image. The output is [2h, 2w] by default; `size` may ask for
 * 2n - 1, 2n or 2n + 1 per side, as OpenCV allows: 2n - 1 drops the last row or column (what a
 * Laplacian pyramid of an odd-sized image needs) and 2n + 1 adds one, as OpenCV 4.6 does (a row
 * mirroring row 2n - 2, a column repeating column 2n - 1). Any channel count, differentiable.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { pyrDown, pyrUp } from '@ganforge/laplacian';
 *
 * const images = tf.randomUniform([8, 7, 7, 1], -1, 1) as tf.Tensor4D;
 * const blurred = pyrUp(pyrDown(images), [7, 7]); // [8, 4, 4, 1] back to [8, 7, 7, 1]
 * ```
 */
export function pyrUp(x: tf.Tensor4D, size?: PyrUpSize): tf.Tensor4D {
  assertImageBatch(x, 'x');
  const [, height, width] = x.shape;
  const target = size ?? [2 * height, 2 * width];
  if (!Array.isArray(target) || target.length !== 2) {
    throw new InvalidArgumentError('size', '[height, width]', target);
  }
  assertTargetSize(target[0], height, 'size[0] (height)');
  assertTargetSize(target[1], width, 'size[1] (width)');
  return tf.tidy(() => double(double(x, 1, target[0]), 2, target[1]));
}

function assertTargetSize(value: unknown, source: number, argument: string): asserts value is number {
  assertInteger(value, 1, Number.MAX_SAFE_INTEGER, argument);
  // OpenCV's rule: |size - 2n| <= size % 2, i.e. 2n, or an odd size next to it.
  if (value !== 2 * source && value !== 2 * source - 1 && value !== 2 * source + 1) {
    throw new InvalidArgumentError(
      argument,
      `${2 * source - 1}, ${2 * source} or ${2 * source + 1} (about twice the input's ${source})`,
      value,
    );
  }
}

/** Upsamples along `axis` to `size` (2n - 1, 2n or 2n + 1). */
function double(x: tf.Tensor4D, axis: SpatialAxis, size: number): tf.Tensor4D {
  const shape = x.shape.slice() as [number, number, number, number];
  const length = shape[axis];
  shape[axis] = 2 * length;
  // Interleave zeros: [.., n, ..] -> [.., n, 2, ..] -> [.., 2n, ..].
  const spread = tf.stack([x, tf.zerosLike(x)], axis + 1).reshape(shape) as tf.Tensor4D;
  const doubled = binomialFilter(spread, axis, 2);
  const begin = [0, 0, 0, 0];
  const extent = [-1, -1, -1, -1];
  if (size === 2 * length) return doubled;
  if (size === 2 * length - 1) {
    extent[axis] = size;
    return tf.slice(doubled, begin, extent);
  }
  // 2n + 1, as OpenCV 4.6 does it: an extra row mirrors row 2n - 2 (the filter run on past the edge of
  // the reflect-101 doubled image), an extra column repeats column 2n - 1. (For multi-channel or
  // one-pixel-wide inputs OpenCV leaves that column uninitialised; we repeat it as it does otherwise.)
  begin[axis] = axis === 1 ? 2 * length - 2 : 2 * length - 1;
  extent[axis] = 1;
  return tf.concat([doubled, tf.slice(doubled, begin, extent)], axis);
}
