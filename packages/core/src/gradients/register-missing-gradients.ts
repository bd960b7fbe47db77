import * as tf from '@tensorflow/tfjs';

import { depthwiseBackpropGradients } from './depthwise-backprop-gradients.js';
import { linearBackpropGradients } from './linear-backprop-gradients.js';
import { recomputingGradients } from './recomputing-gradients.js';
import { resizeNearestNeighborGradient } from './resize-nearest-neighbor-gradient.js';

// Comparison and logical ops are piecewise constant, so their gradient is zero. tfjs-core 4.22
// registers none for these, and LeakyReLU's gradient uses Greater: without them, a gradient
// penalty (WGAN-GP, R1) through a LeakyReLU discriminator fails with "gradient function not found".
const piecewiseConstantKernels = ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalNot'];

function zeroGradient(kernelName: string): tf.GradConfig {
  const inputs = kernelName === 'LogicalNot' ? ['x'] : ['a', 'b'];
  return {
    kernelName,
    inputsToSave: inputs,
    // float32 zeros even for LogicalAnd's bool inputs: tfjs requires every gradient to be float32.
    gradFunc: (_dy, saved) =>
      Object.fromEntries(inputs.map((name, index) => [name, () => tf.zeros(saved[index]!.shape)])) as Record<
        string,
        () => tf.Tensor
      >,
  };
}

// Conv2DBackpropFilter computes dW[k] = sum_o x[o*s + k] dy[o], which is bilinear in x and dy. Its
// gradient for an upstream G (shaped like the filter): d/dx = conv2dTranspose of dy with filter G,
// d/ddy = conv2d of x with filter G. Needed to differentiate through a filter gradient (e.g. a
// penalty on a conv layer's weight gradient).
const conv2DBackpropFilterGradient: tf.GradConfig = {
  kernelName: 'Conv2DBackpropFilter',
  inputsToSave: ['x', 'dy'],
  gradFunc: (upstream, saved, attrs) => {
    const [x, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dimRoundingMode } = attrs as unknown as {
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const filterGradient = upstream as tf.Tensor4D;
    return {
      x: () => tf.conv2dTranspose(dy, filterGradient, x.shape, strides, pad as 'valid' | 'same', dimRoundingMode),
      dy: () => tf.conv2d(x, filterGradient, strides, pad as 'valid' | 'same', 'NHWC', 1, dimRoundingMode),
    };
  },
};

let registered = false;

/**
 * Registers the gradients GAN training needs and tfjs-core 4.22 lacks or gets wrong, mostly for double
 * backprop (gradient penalties): zero gradients of comparison and logical ops; gradients of
 * Conv2DBackpropFilter, the depthwise backprops and AvgPoolGrad; and, replacing tfjs's own, gradients of Sigmoid, Tanh, Exp,
 * Elu, Softmax and Pow that read their input instead of their saved output (tfjs's lose every
 * second-order term through that output; see `recomputing-gradients.ts`) and of ResizeNearestNeighbor
 * (tfjs-backend-cpu's kernel for it reads the wrong sample when the batch is > 1). First derivatives
 * are otherwise unchanged. Importing `@ganforge/core` does this; calling it again is harmless.
 */
export function registerMissingGradients(): void {
  if (registered) return;
  const missing = [
    ...piecewiseConstantKernels.map(zeroGradient),
    conv2DBackpropFilterGradient,
    ...depthwiseBackpropGradients(),
    ...linearBackpropGradients(),
  ];
  for (const config of missing) {
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
  for (const config of [...recomputingGradients(), resizeNearestNeighborGradient]) tf.registerGradient(config);
  registered = true;
}
