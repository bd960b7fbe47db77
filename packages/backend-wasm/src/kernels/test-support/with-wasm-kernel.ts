import * as tf from '@tensorflow/tfjs';

/**
 * Runs `body` with `config` registered in place of the current kernel of the same name, then
 * puts the previous kernel back (even if `body` throws).
 */
export async function withWasmKernel<T>(config: tf.KernelConfig, body: () => Promise<T>): Promise<T> {
  const previous = tf.getKernel(config.kernelName, 'wasm');
  if (previous !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
  try {
    return await body();
  } finally {
    tf.unregisterKernel(config.kernelName, 'wasm');
    if (previous !== undefined) tf.registerKernel(previous);
  }
}
