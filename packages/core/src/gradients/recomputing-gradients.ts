import * as tf from '@tensorflow/tfjs';

// tfjs-core 4.22 saves a kernel's *output* for its gradient as a clone whose tape node is recorded
// before the kernel's own node. A second gradient walks the tape in order, so it never reaches the
// kernel's input through that clone: every term of d(grad)/d(input) that goes through the saved
// output is silently dropped. With sigmoid, d/dz [s(z)(1 - s(z))] is lost entirely, so a gradient
// penalty got no gradient for the bias before a sigmoid and a wrong one for the weights.
// These configs replace the gradients that read a saved output with ones that save the input and
// recompute the output (one extra elementwise op per backward pass). Max/Min (and their reductions)
// also save outputs, but only inside Equal, whose gradient is zero, so nothing is lost there.
// tf.logSoftmax cannot be fixed this way: it is a customGrad op whose saved output is computed out of
// the tape's sight, and a gradient function never sees the op's input. Penalties refuse it instead.

function sigmoidGradient(): tf.GradConfig {
  return {
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return {
        x: () => {
          const s = tf.sigmoid(x);
          return tf.mul(dy as tf.Tensor, tf.mul(s, tf.sub(1, s)));
        },
      };
    },
  };
}

function tanhGradient(): tf.GradConfig {
  return {
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(tf.tanh(x)))) };
    },
  };
}

function expGradient(): tf.GradConfig {
  return {
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.mul(dy as tf.Tensor, tf.exp(x)) };
    },
  };
}

// tf.elu has alpha 1: elu'(x) = 1 for x > 0, exp(x) otherwise. tfjs's own gradient runs the EluGrad
// kernel on the saved output, and EluGrad has no gradient at all.
function eluGradient(): tf.GradConfig {
  return {
    kernelName: 'Elu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return {
        x: () => tf.mul(dy as tf.Tensor, tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(tf.minimum(x, 0)))),
      };
    },
  };
}

function softmaxGradient(): tf.GradConfig {
  return {
    kernelName: 'Softmax',
    inputsToSave: ['logits'],
    gradFunc: (dy, saved, attrs) => {
      const [logits] = saved as [tf.Tensor];
      const { dim } = attrs as unknown as { dim: number };
      return {
        logits: () => {
          const y = tf.softmax(logits, dim);
          const dyTimesY = tf.mul(dy as tf.Tensor, y);
          return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
        },
      };
    },
  };
}

/** Sums `gradient` over the axes along which `shape` was broadcast to `gradient.shape`. */
function unbroadcast(gradient: tf.Tensor, shape: number[]): tf.Tensor {
  const axes: number[] = [];
  const outShape = gradient.shape;
  for (let i = 0; i < outShape.length; i++) {
    const inDim = shape[shape.length - i - 1];
    const outAxis = outShape.length - i - 1;
    if (inDim == null || (inDim === 1 && outShape[outAxis]! > 1)) axes.unshift(outAxis);
  }
  return tf.reshape(axes.length > 0 ? tf.sum(gradient, axes) : gradient, shape);
}

function powGradient(): tf.GradConfig {
  return {
    kernelName: 'Pow',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [base, exponent] = saved as [tf.Tensor, tf.Tensor];
      const upstream = dy as tf.Tensor;
      return {
        a: () => {
          const e = tf.cast(exponent, 'float32');
          return unbroadcast(tf.mul(upstream, tf.mul(e, tf.pow(base, tf.sub(e, 1)))), base.shape);
        },
        b: () => {
          const logBase = tf.where(tf.greater(base, 0), tf.log(base), tf.zerosLike(base));
          return unbroadcast(tf.mul(upstream, tf.mul(tf.pow(base, exponent), logBase)), exponent.shape);
        },
      };
    },
  };
}

/**
 * Gradients that replace tfjs-core 4.22's for Sigmoid, Tanh, Exp, Elu, Softmax and Pow:
 * the same first derivative, computed from the saved input, so that a second derivative is complete.
 */
export function recomputingGradients(): tf.GradConfig[] {
  return [sigmoidGradient(), tanhGradient(), expGradient(), eluGradient(), softmaxGradient(), powGradient()];
}
