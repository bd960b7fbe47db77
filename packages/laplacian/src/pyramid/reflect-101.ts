import * as tf from '@tensorflow/tfjs';

/** Image axes of an NHWC batch. */
export type SpatialAxis = 1 | 2;

/**
 * Where index `index` of an axis of length `size` reads from under OpenCV's BORDER_REFLECT_101
 * (`gfedcb|abcdefgh|gfedcba`): mirrored about the edge pixels, which are not repeated. Reflects
 * as often as needed, so borders wider than the axis work too (OpenCV's `borderInterpolate`).
 */
export function reflect101Index(index: number, size: number): number {
  if (size === 1) return 0;
  let position = index;
  while (position < 0 || position >= size) {
    if (position < 0) position = -position;
    if (position >= size) position = 2 * size - 2 - position;
  }
  return position;
}

/**
 * Pads the rows (axis 0) of `rows` by `before` and `after` with BORDER_REFLECT_101, from row slices
 * and a concat so that it has a gradient on every backend (unlike a gather, and unlike `mirrorPad`,
 * which needs the border to be narrower than the axis).
 */
export function padRowsReflect101(rows: tf.Tensor2D, before: number, after: number): tf.Tensor2D {
  const size = rows.shape[0];
  const row = (index: number) => tf.slice(rows, [reflect101Index(index, size), 0], [1, -1]);
  const parts: tf.Tensor2D[] = [];
  for (let index = -before; index < 0; index++) parts.push(row(index));
  parts.push(rows);
  for (let index = size; index < size + after; index++) parts.push(row(index));
  return parts.length === 1 ? rows : tf.concat(parts, 0);
}

/**
 * Applies `transform` to one spatial axis of an NHWC batch, seen as rows: the axis is moved to the
 * front and the rest flattened, [length, everything else]. Every slice of a row is then one
 * contiguous copy; slicing an inner axis of an NHWC tensor instead copies element by element on the
 * WASM backend (~50x slower for one channel).
 */
export function alongAxis(
  x: tf.Tensor4D,
  axis: SpatialAxis,
  transform: (rows: tf.Tensor2D) => tf.Tensor2D,
): tf.Tensor4D {
  const forward = axis === 1 ? [1, 0, 2, 3] : [2, 0, 1, 3];
  const backward = axis === 1 ? [1, 0, 2, 3] : [1, 2, 0, 3];
  const moved = tf.transpose(x, forward);
  const [length, ...rest] = moved.shape as [number, number, number, number];
  const result = transform(moved.reshape([length, rest[0] * rest[1] * rest[2]]));
  return tf.transpose(result.reshape([result.shape[0], ...rest]), backward) as tf.Tensor4D;
}
