import { describedAs, InvalidArgumentError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * `UnsortedSegmentSum` for the wasm backend, which tfjs-backend-wasm 4.22 lacks. tfjs's gradient
 * of `Gather` calls it, so without it no model with an `embedding` layer (the word-GRU and
 * bag-of-words text encoders) can train on wasm.
 *
 * out[s, ...] = sum of x[i, ...] over the rows i with segmentIds[i] = s; out has shape
 * [numSegments, ...x.shape.slice(1)]. Like tfjs's `cpu` kernel: segments no row names are zero,
 * ids that are negative or >= numSegments are dropped, and the output is float32 whatever x's
 * dtype (cpu multiplies x by a float32 mask). Unlike cpu, a NaN or infinity stays in its own
 * segment (cpu's mask multiplies it by 0 into every segment: NaN) and `numSegments` 0 gives an
 * empty tensor (cpu throws).
 *
 * One pass over x adding whole rows, instead of cpu's one masked full reduction per segment.
 *
 * @throws InvalidArgumentError when `segmentIds` is not 1-D of length `x.shape[0]` (TensorFlow's
 * contract; tfjs-cpu broadcasts other shapes into values no caller relies on), or x is a scalar.
 *
 * @example
 * ```ts
 * tf.registerKernel(unsortedSegmentSumConfig);
 * tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([1, 1], 'int32'), 2); // [[0, 0], [4, 6]]
 * ```
 */
export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { x, segmentIds } = inputs as unknown as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    if (x.shape.length === 0) {
      throw new InvalidArgumentError(
        'x',
        'a tensor of rank >= 1 (unsortedSegmentSum on wasm)',
        describedAs('a scalar'),
      );
    }
    if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
      throw new InvalidArgumentError(
        'segmentIds',
        `a 1-D tensor of length x.shape[0] = ${x.shape[0]} (unsortedSegmentSum on wasm)`,
        describedAs(`shape [${segmentIds.shape.join(', ')}]`),
      );
    }
    const outShape = [numSegments, ...x.shape.slice(1)];
    const out = wasm.makeOutput(outShape, 'float32');
    if (tf.util.sizeFromShape(outShape) === 0) return out;
    // Views are taken after makeOutput: an allocation may grow (and detach) the wasm heap.
    const target = wasm.typedArrayFromHeap(out) as Float32Array;
    target.fill(0); // the heap is not zeroed; segments no row names stay 0
    const rows = x.shape[0]!;
    const values = wasm.typedArrayFromHeap(x);
    const ids = wasm.typedArrayFromHeap(segmentIds);
    const rowSize = tf.util.sizeFromShape(x.shape.slice(1));
    for (let row = 0; row < rows; row++) {
      const segment = ids[row]!;
      if (!(segment >= 0 && segment < numSegments)) continue;
      const from = row * rowSize;
      const to = segment * rowSize;
      for (let k = 0; k < rowSize; k++) target[to + k] = target[to + k]! + values[from + k]!;
    }
    return out;
  },
};
