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
 * Pads `x` along `axis` by `before` and `after` with BORDER_REFLECT_101, built from slices and a
 * concat so that it has a gradient on every backend (unlike a gather, and unlike `mirrorPad`,
 * which needs the border to be narrower than the axis).
 */
export function padReflect101(x: tf.Tensor4D, axis: SpatialAxis, before: number, after: number): tf.Tensor4D {
  const size = x.shape[axis];
  const border = (index: number) => {
    const begin = [0, 0, 0, 0];
    const extent = [-1, -1, -1, -1];
    begin[axis] = reflect101Index(index, size);
    extent[axis] = 1;
    return tf.slice(x, begin, extent);
  };
  const parts: tf.Tensor4D[] = [];
  for (let index = -before; index < 0; index++) parts.push(border(index));
  parts.push(x);
  for (let index = size; index < size + after; index++) parts.push(border(index));
  return parts.length === 1 ? x : tf.concat(parts, axis);
}
