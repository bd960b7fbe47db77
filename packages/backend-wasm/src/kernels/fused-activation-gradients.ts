import * as tf from '@tensorflow/tfjs';

import { leakyReluBackpropConfig, leakyReluBackpropGradient, leakyReluGradient } from './leaky-relu-backprop.js';
import {
  preluBackpropAlphaConfig,
  preluBackpropGradients,
  preluBackpropInputConfig,
  preluGradient,
} from './prelu-backprop.js';
import { wrapStockGradient } from './wrap-stock-gradient.js';

/**
 * Registers the one-pass wasm kernels for the PReLU and LeakyReLU gradients and puts gradients in
 * place of tfjs's for `Prelu` and `LeakyRelu` that use them. Gradients are global in tfjs, so these
 * dispatch: on a backend without the fused kernels (every backend but wasm) they call tfjs's own
 * gradient, and on wasm the kernels give the same bits as tfjs's formula. Calling it again does nothing.
 */
export function registerFusedActivationGradients(): void {
  for (const config of [preluBackpropInputConfig, preluBackpropAlphaConfig, leakyReluBackpropConfig]) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  }
  for (const config of [...preluBackpropGradients, leakyReluBackpropGradient]) {
    if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
  }
  wrapStockGradient(tf.Prelu, preluGradient);
  wrapStockGradient(tf.LeakyRelu, leakyReluGradient);
}
