import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** dx of LeakyReLU: inputs { dy, x }, attribute `alpha`, output shaped like x. Registered for `wasm` only. */
export const leakyReluBackpropKernelName = 'GanForgeLeakyReluBackprop';

/**
 * dx = dy where x > 0, else dy * alpha: tfjs's LeakyReLU gradient `where(x > 0, dy, dy * alpha)`
 * (Greater, Multiply, Select: three passes over the tensor and a bool mask) in one pass over the
 * wasm heap. The product is the same float32 product (alpha rounded to float32 as tfjs's scalar
 * is), so the bits are the same.
 */
export const leakyReluBackpropConfig: tf.KernelConfig = {
  kernelName: leakyReluBackpropKernelName,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const operands = inputs as unknown as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const alpha = Math.fround((attrs as unknown as tf.LeakyReluAttrs).alpha);
    const out = wasm.makeOutput(operands.x.shape, 'float32');
    // Views are taken after makeOutput: an allocation may grow (and detach) the wasm heap.
    const dy = wasm.typedArrayFromHeap(operands.dy) as Float32Array;
    const x = wasm.typedArrayFromHeap(operands.x) as Float32Array;
    const dx = wasm.typedArrayFromHeap(out) as Float32Array;
    // Branch-free (signs of activations are a coin flip for the branch predictor): the factor is
    // exactly 1 or alpha (alpha + (1 - alpha) is 1 in double precision for a float32 alpha).
    const rest = 1 - alpha;
    for (let index = 0; index < dx.length; index++) dx[index] = dy[index]! * (alpha + +(x[index]! > 0) * rest);
    return out;
  },
};

/** Whether the fused kernel runs: the current backend has it, float32 operands of one shape. */
function fusedApplies(dy: tf.Tensor, x: tf.Tensor): boolean {
  return (
    dy.dtype === 'float32' &&
    x.dtype === 'float32' &&
    tf.util.arraysEqual(dy.shape, x.shape) &&
    tf.getKernel(leakyReluBackpropKernelName, tf.getBackend()) !== undefined
  );
}

function leakyReluInputGradient(dy: tf.Tensor, x: tf.Tensor, alpha: number): tf.Tensor {
  if (fusedApplies(dy, x)) {
    return tf.engine().runKernel(leakyReluBackpropKernelName, { dy, x }, { alpha }) as tf.Tensor;
  }
  return tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha));
}

/** The kernel's own gradient (double backprop): linear in dy with the same mask; piecewise constant in x. */
export const leakyReluBackpropGradient: tf.GradConfig = {
  kernelName: leakyReluBackpropKernelName,
  inputsToSave: ['x'],
  gradFunc: (upstream, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const { alpha } = attrs as unknown as tf.LeakyReluAttrs;
    return {
      dy: () => leakyReluInputGradient(upstream as tf.Tensor, x, alpha),
      x: () => tf.zerosLike(x),
    };
  },
};

/**
 * The LeakyReLU gradient with the fused kernel where the current backend has it (wasm, after
 * `registerWasmTrainingKernels()`); everywhere else it is tfjs's own gradient (`stock`), so other
 * backends compute exactly what they did.
 */
export function leakyReluGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.LeakyRelu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const gradient = dy as tf.Tensor;
      if (!fusedApplies(gradient, x)) return stock.gradFunc(dy, saved, attrs);
      const { alpha } = attrs as unknown as tf.LeakyReluAttrs;
      return {
        x: () => tf.engine().runKernel(leakyReluBackpropKernelName, { dy: gradient, x }, { alpha }) as tf.Tensor,
      };
    },
  };
}
