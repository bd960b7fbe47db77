import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Copies rows of a 2-D float32 tensor into a new `[rows.length, columns]` tensor; row index -1
 * gives a row of zeros. Used to pick (and reverse) filter taps.
 *
 * A plain heap copy, like the stock wasm Slice and Concat kernels: the wasm GatherV2 kernel copies
 * element by element and took 0.7 ms for 4 taps of a 4x4x64x128 filter, this 0.004 ms.
 *
 * @example
 * ```ts
 * const taps = scope.track(gatherRows(backend, filterByTap, [15, 13, 7, 5]));
 * ```
 */
export function gatherRows(backend: BackendWasm, x: tf.TensorInfo, rows: readonly number[]): tf.TensorInfo {
  const [rowCount, columns] = x.shape as [number, number];
  const out = backend.makeOutput([rows.length, columns], 'float32');
  // Views are taken after makeOutput: an allocation may grow (and detach) the wasm heap.
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  rows.forEach((row, index) => {
    if (row === -1) {
      target.fill(0, index * columns, (index + 1) * columns);
      return;
    }
    if (!(row >= 0 && row < rowCount)) {
      backend.disposeData(out.dataId);
      throw new RangeError(`gatherRows: row ${row} is outside [0, ${rowCount}).`);
    }
    target.set(source.subarray(row * columns, (row + 1) * columns), index * columns);
  });
  return out;
}
