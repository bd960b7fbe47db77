import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { withWasmKernelScope } from './run-wasm-kernel.js';

const wrappers = new WeakSet<tf.KernelFunc>();

/** Whether `kernelFunc` is a wrapper made by {@link withExplicitTransposes}. */
export function isExplicitTransposeMatMulWrapper(kernelFunc: tf.KernelFunc): boolean {
  return wrappers.has(kernelFunc);
}

/**
 * Below this many multiply-adds (m·k·n) the stock kernel's own path is as fast as a transpose
 * plus XNNPACK (measured on 2 cores of an AMD EPYC: 6272x64x1 took 0.41 ms stock, 0.56 ms
 * transposed; 64x32x3136 took 5.0 ms stock, 0.40 ms transposed).
 */
export const explicitTransposeMinimumWork = 2 ** 20;

/**
 * Wraps wasm's `BatchMatMul` so that a product with a transposed operand runs on XNNPACK: the
 * operand is transposed by the `Transpose` kernel first and the stock kernel gets
 * `transposeA = transposeB = false`. tfjs-backend-wasm 4.22 sends only untransposed, unbatched
 * products to XNNPACK and computes the rest in a scalar loop, and a dense layer's gradients are
 * exactly those products (dW = xᵀ·dy with transposeA, dx = dy·Wᵀ with transposeB): 31 ms instead
 * of 3 ms for the DCGAN generator's 100 -> 6272 dense layer at batch 64 on one thread here, and
 * about 3.8 s of an SRResNet-16 step for the SRGAN discriminator's 18,432 -> 1,024 layer.
 *
 * Products whose batch dimensions are not all 1, of other dtypes, or smaller than
 * {@link explicitTransposeMinimumWork} go to the stock kernel unchanged. The values are those of
 * the same product on XNNPACK (the summation order of XNNPACK's GEMM, not of the scalar loop).
 *
 * @example
 * ```ts
 * const stock = tf.getKernel('BatchMatMul', 'wasm')!;
 * tf.unregisterKernel('BatchMatMul', 'wasm');
 * tf.registerKernel(withExplicitTransposes(stock));
 * ```
 */
export function withExplicitTransposes(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (!attrs.transposeA && !attrs.transposeB) return stock.kernelFunc(args);
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
      return stock.kernelFunc(args);
    }
    const batch = (shape: readonly number[]) => tf.util.sizeFromShape(shape.slice(0, -2));
    if (batch(a.shape) !== 1 || batch(b.shape) !== 1) return stock.kernelFunc(args);
    const [aRows, aColumns] = a.shape.slice(-2) as [number, number];
    const n = b.shape[attrs.transposeB ? b.shape.length - 2 : b.shape.length - 1]!;
    if (aRows * aColumns * n < explicitTransposeMinimumWork) return stock.kernelFunc(args);

    const backend = args.backend as BackendWasm;
    // Swaps the last two axes; leading axes (all of size 1 here) keep their place, so the stock
    // kernel computes the output shape tfjs expects.
    const swapLastTwo = (x: tf.TensorInfo) => {
      const perm = x.shape.map((_, axis) => axis);
      perm.splice(-2, 2, x.shape.length - 1, x.shape.length - 2);
      return perm;
    };
    return withWasmKernelScope(backend, ({ run, track }) => {
      const left = attrs.transposeA ? run('Transpose', { x: a }, { perm: swapLastTwo(a) }) : a;
      const right = attrs.transposeB ? run('Transpose', { x: b }, { perm: swapLastTwo(b) }) : b;
      const product = stock.kernelFunc({
        inputs: { a: left, b: right },
        backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      }) as tf.TensorInfo;
      return track(product);
    });
  };
  wrappers.add(kernelFunc);
  return { ...stock, kernelFunc };
}
