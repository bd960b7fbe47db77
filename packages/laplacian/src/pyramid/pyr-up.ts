import * as tf from '@tensorflow/tfjs';

import { assertInteger, InvalidArgumentError } from '@ganforge/core';

import { binomialFilterRows } from './binomial-filter.js';
import { assertImageBatch } from './image-batch.js';
import { alongAxis } from './reflect-101.js';

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
  return tf.tidy(() =>
    alongAxis(
      alongAxis(x, 1, (rows) => double(rows, target[0], 'row')),
      2,
      (rows) => double(rows, target[1], 'column'),
    ),
  );
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

/** Upsamples the rows (axis 0) of `rows` to `size` (2n - 1, 2n or 2n + 1); `kind` says which image axis they are. */
function double(rows: tf.Tensor2D, size: number, kind: 'row' | 'column'): tf.Tensor2D {
  const [length, width] = rows.shape;
  // Interleave zero rows: each row followed by a zero row, [n, w] -> [n, 2w] -> [2n, w].
  const spread = tf.concat([rows, tf.zerosLike(rows)], 1).reshape([2 * length, width]) as tf.Tensor2D;
  const doubled = binomialFilterRows(spread, 2);
  if (size === 2 * length) return doubled;
  if (size === 2 * length - 1) return tf.slice(doubled, [0, 0], [size, -1]);
  // 2n + 1, as OpenCV 4.6 does it: an extra row mirrors row 2n - 2 (the filter run on past the edge of
  // the reflect-101 doubled image), an extra column repeats column 2n - 1. (For multi-channel or
  // one-pixel-wide inputs OpenCV leaves that column uninitialised; we repeat it as it does otherwise.)
  const source = kind === 'row' ? 2 * length - 2 : 2 * length - 1;
  return tf.concat([doubled, tf.slice(doubled, [source, 0], [1, -1])], 0);
}
