import * as tf from '@tensorflow/tfjs';

import { wrapStockGradient } from './wrap-stock-gradient.js';

/** dy reshaped with the reduced axes of x kept as 1s. */
function expandedGradient(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): [tf.Tensor, number] {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const shape = x.shape.slice();
  let reduced = 1;
  for (const index of axes) {
    reduced *= x.shape[index]!;
    shape[index] = 1;
  }
  return [tf.reshape(dy, shape), reduced];
}

/**
 * Sum's gradient: tfjs computes `dy * ones(x.shape)` (a Fill and a broadcasting Multiply over the
 * full shape); `broadcastTo(dy, x.shape)` is the same values (times one is exact) in one Tile.
 */
function sumGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      if (tf.getBackend() !== 'wasm') return stock.gradFunc(dy, saved, attrs);
      const [expanded] = expandedGradient(dy as tf.Tensor, x, (attrs as unknown as tf.SumAttrs).axis);
      const derX = tf.broadcastTo(expanded, x.shape);
      return { x: () => derX };
    },
  };
}

/**
 * Mean's gradient: tfjs computes `dy * ones(x.shape) / n` (Fill, Multiply and RealDiv over the
 * full shape); `broadcastTo(dy / n, x.shape)` divides the small tensor and broadcasts once, with
 * the same values (times one is exact, and the same float32 division follows).
 */
function meanGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      if (tf.getBackend() !== 'wasm') return stock.gradFunc(dy, saved, attrs);
      return {
        x: () => {
          const [expanded, reduced] = expandedGradient(dy as tf.Tensor, x, (attrs as unknown as tf.MeanAttrs).axis);
          return tf.broadcastTo(tf.div(expanded, reduced), x.shape);
        },
      };
    },
  };
}

/**
 * Puts gradients for `Sum` and `Mean` in place of tfjs's that, on the wasm backend, broadcast the
 * (divided) upstream gradient in one pass instead of multiplying it by a tensor of ones of the
 * input's full shape: every BatchNorm's moments (two means) and every loss pass through them.
 * The values are the same as tfjs's; on other backends tfjs's gradients run unchanged. Calling it
 * again does nothing.
 */
export function registerReductionGradients(): void {
  wrapStockGradient(tf.Sum, sumGradient);
  wrapStockGradient(tf.Mean, meanGradient);
}
