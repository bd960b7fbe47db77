import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const wrappers = new WeakSet<tf.KernelFunc>();

/** Whether `kernelFunc` is a wrapper made by {@link withCopyFreeIdentity}. */
export function isCopyFreeIdentityWrapper(kernelFunc: tf.KernelFunc): boolean {
  return wrappers.has(kernelFunc);
}

/** The stock wasm kernels that copy their input where sharing it is enough. */
export const copyingIdentityKernels: readonly string[] = [tf.Identity, tf.Cast];

/**
 * Wraps wasm's `Identity` (or `Cast`) so that an output equal to its input shares the input's
 * data (one more reference, as wasm's own `Reshape` does and as the `cpu` backend's Identity and
 * same-dtype Cast do) instead of copying it. tfjs's engine clones every tensor it saves for a
 * gradient through `Identity`: on wasm that was a full copy of each saved activation, 1,909
 * copies in one SRResNet-16 D+G step. Tensors are immutable in tfjs (a Variable's `assign` takes
 * a new data id), so sharing gives the same values; strings and dtype-changing casts go to the
 * stock kernel.
 *
 * @example
 * ```ts
 * const stock = tf.getKernel('Identity', 'wasm')!;
 * tf.unregisterKernel('Identity', 'wasm');
 * tf.registerKernel(withCopyFreeIdentity(stock));
 * ```
 */
export function withCopyFreeIdentity(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const dtype = (args.attrs as Partial<tf.CastAttrs> | undefined)?.dtype ?? x.dtype;
    if (x.dtype === 'string' || dtype !== x.dtype) return stock.kernelFunc(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  wrappers.add(kernelFunc);
  return { ...stock, kernelFunc };
}
