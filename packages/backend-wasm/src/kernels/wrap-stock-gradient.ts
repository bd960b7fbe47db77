import * as tf from '@tensorflow/tfjs';

// The gradient functions registered through wrapStockGradient.
const wrappers = new WeakSet<tf.GradFunc>();

/**
 * Puts `wrap(stock)` in place of tfjs's registered gradient for `kernelName`, unless the registered
 * one was made here already (so registering twice does nothing). Gradients are global in tfjs: the
 * wrapper must call `stock` on backends it does not speed up.
 */
export function wrapStockGradient(kernelName: string, wrap: (stock: tf.GradConfig) => tf.GradConfig): void {
  const stock = tf.getGradient(kernelName);
  if (stock === undefined || wrappers.has(stock.gradFunc)) return;
  const config = wrap(stock);
  wrappers.add(config.gradFunc);
  tf.registerGradient(config);
}
