import * as tf from '@tensorflow/tfjs';

import { castToFloatConfig, isCastToFloat } from './cast-to-float.js';

/**
 * Replaces tfjs-backend-webgpu 4.22 kernels that give wrong results GANForge's models meet (found
 * by every-model-every-backend.webgpu.test.ts): today `Cast` from int32/bool to float32 (see
 * {@link castToFloatConfig}). Call after `@tensorflow/tfjs-backend-webgpu` is imported; calling it
 * again does nothing.
 *
 * @example
 * ```ts
 * await import('@tensorflow/tfjs-backend-webgpu');
 * registerWebGpuKernelFixes();
 * await tf.setBackend('webgpu');
 * ```
 */
export function registerWebGpuKernelFixes(): void {
  const stock = tf.getKernel(tf.Cast, 'webgpu');
  if (stock === undefined || isCastToFloat(stock.kernelFunc)) return;
  // unregister first: registerKernel over an existing kernel works too, but logs a warning.
  tf.unregisterKernel(tf.Cast, 'webgpu');
  tf.registerKernel(castToFloatConfig(stock));
}
