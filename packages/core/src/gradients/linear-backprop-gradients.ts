import * as tf from '@tensorflow/tfjs';

// AvgPoolGrad computes A^T dy for the fixed linear map A of the pooling. Its derivative with respect
// to dy, for an upstream G, is A G: avgPool again with the same attributes. It does not depend on the
// values of its other input (only its shape), so that input gets a zero gradient. tfjs-core 4.22
// registers none, which made a gradient penalty through averagePooling2d fail with "gradient function
// not found".

const avgPoolGradGradient: tf.GradConfig = {
  kernelName: 'AvgPoolGrad',
  inputsToSave: ['input'],
  gradFunc: (upstream, saved, attrs) => {
    const [input] = saved as [tf.Tensor4D];
    const { filterSize, strides, pad } = attrs as unknown as {
      filterSize: [number, number] | number;
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number;
    };
    return {
      dy: () => tf.avgPool(upstream as tf.Tensor4D, filterSize, strides, pad),
      input: () => tf.zerosLike(input),
    };
  },
};

/** Gradients of kernels that are linear in their upstream gradient (absent in tfjs-core 4.22): AvgPoolGrad. */
export function linearBackpropGradients(): tf.GradConfig[] {
  return [avgPoolGradGradient];
}
