import * as tf from '@tensorflow/tfjs';

const marker = Symbol('ganforge.castToFloat');

type MarkedKernelFunc = tf.KernelFunc & { [marker]?: true };

/**
 * Wraps tfjs-backend-webgpu 4.22's `Cast` so that casting int32 or bool to float32 writes a real
 * float32 buffer. The stock kernel only relabels the int32 buffer as float32 ("no encoding loss"),
 * and kernels that copy their input's buffer without converting it (Transpose, hence every
 * reduction over a non-last axis) then build an invalid shader: tfjs logs a WGSL error and the op
 * silently returns zeros. `tf.oneHot(ids, n).toFloat().sum(1)` (the bag-of-words encoder) gave
 * zeros. Here the cast is an Add of a float32 zero, whose shader converts each element on read.
 *
 * @example
 * ```ts
 * await import('@tensorflow/tfjs-backend-webgpu');
 * const stock = tf.getKernel('Cast', 'webgpu')!;
 * tf.unregisterKernel('Cast', 'webgpu');
 * tf.registerKernel(castToFloatConfig(stock));
 * ```
 */
export function castToFloatConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: MarkedKernelFunc = (args) => {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as tf.CastAttrs;
    if (dtype !== 'float32' || (x.dtype !== 'int32' && x.dtype !== 'bool')) return stock.kernelFunc(args);
    const add = tf.getKernel(tf.Add, 'webgpu');
    if (add === undefined) return stock.kernelFunc(args);
    const backend = args.backend as tf.KernelBackend & {
      makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
    };
    const zero = backend.makeTensorInfo([], 'float32', new Float32Array([0]));
    try {
      // Add's output dtype is upcastType(int32 | bool, float32) = float32, converted element-wise.
      return add.kernelFunc({ inputs: { a: x, b: zero }, backend, attrs: {} });
    } finally {
      backend.disposeData(zero.dataId);
    }
  };
  kernelFunc[marker] = true;
  return { kernelName: tf.Cast, backendName: 'webgpu', kernelFunc };
}

/** True for a kernel function made by {@link castToFloatConfig}. */
export function isCastToFloat(kernelFunc: tf.KernelFunc): boolean {
  return (kernelFunc as MarkedKernelFunc)[marker] === true;
}
