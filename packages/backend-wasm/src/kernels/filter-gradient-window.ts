/**
 * How a filter gradient, computed as a stride-1 correlation of x with dy dilated by the forward
 * stride, must pad or crop x along one spatial axis so that it yields exactly `filterSize` taps.
 */
export interface FilterGradientWindow {
  /** Zeros before x (the forward conv's own padding). */
  readonly padBefore: number;
  /** Zeros after x, never negative; rows beyond the last one read are cropped instead. */
  readonly padAfter: number;
  /** Rows of x to keep, from the start; at most the input size, and 0 when no tap meets x. */
  readonly keptInput: number;
}

/**
 * dW[k] = sum_o x[o*s + k - p] dy[o] is a correlation of x (padded by p) with dy dilated by s. Its
 * output has (in + p + after) - (s*(out - 1) + 1) + 1 taps, so `after` = k + s*(out - 1) - in - p;
 * a negative `after` means the last rows of x are never read and are cropped.
 *
 * @example
 * ```ts
 * filterGradientWindow(28, 14, 4, 2, 1); // { padBefore: 1, padAfter: 1, keptInput: 28 }
 * ```
 */
export function filterGradientWindow(
  inputSize: number,
  outputSize: number,
  filterSize: number,
  stride: number,
  padBefore: number,
): FilterGradientWindow {
  const padAfter = filterSize + stride * (outputSize - 1) - inputSize - padBefore;
  return {
    padBefore,
    padAfter: Math.max(padAfter, 0),
    keptInput: Math.max(Math.min(inputSize, inputSize + padAfter), 0),
  };
}
