import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The stock wasm reductions that {@link withStridedReduction} speeds up. */
export const stridedReductions: readonly string[] = [tf.Sum, tf.Mean];

const wrappers = new WeakSet<tf.KernelFunc>();

/** Whether `kernelFunc` is a wrapper made by {@link withStridedReduction}. */
export function isStridedReductionWrapper(kernelFunc: tf.KernelFunc): boolean {
  return wrappers.has(kernelFunc);
}

/**
 * Wraps the stock wasm `Sum` or `Mean` so that a float32 reduction over a contiguous block of axes
 * that are not the innermost ones (the per-channel sums of every BatchNorm, PReLU, bias and
 * BatchNorm-moment gradient in NHWC: axes [0, 1, 2]) runs as one cache-friendly pass over the heap.
 * The stock kernel first transposes the reduced axes innermost with tfjs-wasm's scalar,
 * single-threaded Transpose (a full copy of the tensor), then sums each row.
 *
 * The values are bit-for-bit the stock kernel's: x is viewed as [outer, reduced, inner]; each
 * output accumulates its reduced elements in the same order, in float32 (a Float32Array store
 * rounds every addition, and a double-precision sum of two float32 values rounded to float32 is
 * the float32 sum); `Mean` then divides by the reduced count as the stock kernel does. Anything
 * else (innermost axes, other dtypes, non-contiguous axes, empty tensors) goes to the stock kernel.
 *
 * @example
 * ```ts
 * const stock = tf.getKernel('Sum', 'wasm')!;
 * tf.unregisterKernel('Sum', 'wasm');
 * tf.registerKernel(withStridedReduction(stock));
 * ```
 */
export function withStridedReduction(stock: tf.KernelConfig): tf.KernelConfig {
  const mean = stock.kernelName === tf.Mean;
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    if (x.dtype !== 'float32') return stock.kernelFunc(args);
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    if (axes.length === 0) return stock.kernelFunc(args);
    const first = axes[0]!;
    const end = axes[axes.length - 1]! + 1;
    // Innermost axes need no transpose (the stock kernel is as fast); gaps between axes would
    // need one.
    if (end === rank || end - first !== axes.length) return stock.kernelFunc(args);
    const outer = tf.util.sizeFromShape(x.shape.slice(0, first));
    const reduced = tf.util.sizeFromShape(x.shape.slice(first, end));
    const inner = tf.util.sizeFromShape(x.shape.slice(end));
    if (outer * reduced * inner === 0) return stock.kernelFunc(args);
    const outShape = keepDims
      ? x.shape.map((size, index) => (index >= first && index < end ? 1 : size))
      : x.shape.filter((_, index) => index < first || index >= end);
    const wasm = args.backend as BackendWasm;
    const out = wasm.makeOutput(outShape, 'float32');
    // Views are taken after makeOutput: an allocation may grow (and detach) the wasm heap.
    const source = wasm.typedArrayFromHeap(x) as Float32Array;
    const target = wasm.typedArrayFromHeap(out) as Float32Array;
    sumMiddleAxis(source, target, outer, reduced, inner);
    if (mean) {
      for (let index = 0; index < target.length; index++) target[index] = target[index]! / reduced;
    }
    return out;
  };
  wrappers.add(kernelFunc);
  return { ...stock, kernelFunc };
}

/** target[o, i] = sum over r (in order, float32) of source[o, r, i]; source is [outer, reduced, inner]. */
function sumMiddleAxis(source: Float32Array, target: Float32Array, outer: number, reduced: number, inner: number) {
  const fround = Math.fround;
  target.fill(0);
  for (let o = 0; o < outer; o++) {
    const to = o * inner;
    const from = o * reduced * inner;
    let r = 0;
    // Four rows per sweep: fewer loads and stores of the sums, the same float32 additions in the same order.
    for (; r + 4 <= reduced; r += 4) {
      const row = from + r * inner;
      for (let i = 0; i < inner; i++) {
        const at = row + i;
        let total = fround(target[to + i]! + source[at]!);
        total = fround(total + source[at + inner]!);
        total = fround(total + source[at + 2 * inner]!);
        target[to + i] = total + source[at + 3 * inner]!;
      }
    }
    for (; r < reduced; r++) {
      const row = from + r * inner;
      for (let i = 0; i < inner; i++) target[to + i] = target[to + i]! + source[row + i]!;
    }
  }
}
