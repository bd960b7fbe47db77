import type * as tf from '@tensorflow/tfjs';

import { assertIsTensor, InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

/**
 * Throws unless `x` is a float32 NHWC batch with at least one row, column and channel: what every
 * pyramid op takes.
 */
export function assertImageBatch(x: unknown, argument: string): asserts x is tf.Tensor4D {
  assertIsTensor(x, argument);
  if (x.rank !== 4 || x.shape.slice(1).some((dimension) => dimension < 1)) {
    throw new ShapeMismatchError(
      argument,
      '[batch, height >= 1, width >= 1, channels >= 1] (NHWC)',
      x.shape,
      x.rank === 3 ? 'For one image, add a batch axis with x.expandDims(0).' : undefined,
    );
  }
  if (x.dtype !== 'float32') {
    throw new InvalidArgumentError(
      `${argument}.dtype`,
      "'float32' (pyramids hold fractional values)",
      x.dtype,
      'Convert with x.toFloat().',
    );
  }
}
