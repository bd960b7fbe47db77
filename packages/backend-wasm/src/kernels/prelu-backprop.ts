import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** dx of PReLU: inputs { dy, x, alpha }, output shaped like x. Registered for `wasm` only. */
export const preluBackpropInputKernelName = 'GanForgePreluBackpropInput';
/** d alpha of PReLU: inputs { dy, x, alpha }, output shaped like alpha. Registered for `wasm` only. */
export const preluBackpropAlphaKernelName = 'GanForgePreluBackpropAlpha';

interface PreluBackpropInputs {
  readonly dy: tf.TensorInfo;
  readonly x: tf.TensorInfo;
  readonly alpha: tf.TensorInfo;
}

/**
 * Whether the fused kernels handle these operands: float32, dy shaped like x, and alpha
 * broadcast over leading axes only (alpha's shape without its leading 1s ends x's shape), as in
 * a PReLU layer with one slope per channel shared over space (SRResNet's). Else tfjs's formula runs.
 */
export function fusedPreluBackpropApplies(dy: tf.TensorInfo, x: tf.TensorInfo, alpha: tf.TensorInfo): boolean {
  if (dy.dtype !== 'float32' || x.dtype !== 'float32' || alpha.dtype !== 'float32') return false;
  if (!tf.util.arraysEqual(dy.shape, x.shape)) return false;
  let first = 0;
  while (first < alpha.shape.length && alpha.shape[first] === 1) first++;
  const trailing = alpha.shape.slice(first);
  return (
    trailing.length <= x.shape.length &&
    alpha.shape.length <= x.shape.length &&
    tf.util.arraysEqual(trailing, x.shape.slice(x.shape.length - trailing.length))
  );
}

const views = (backend: BackendWasm, inputs: PreluBackpropInputs, out: tf.TensorInfo) => ({
  // Views are taken after makeOutput: an allocation may grow (and detach) the wasm heap.
  dy: backend.typedArrayFromHeap(inputs.dy) as Float32Array,
  x: backend.typedArrayFromHeap(inputs.x) as Float32Array,
  alpha: backend.typedArrayFromHeap(inputs.alpha) as Float32Array,
  out: backend.typedArrayFromHeap(out) as Float32Array,
});

/**
 * dx = dy where x > 0, else dy * alpha (alpha broadcast over the leading axes): tfjs's PReLU input
 * gradient `where(x > 0, dy, dy * alpha)` (Greater, Multiply, Select: three passes and a mask) in
 * one pass over the wasm heap, with the same float32 products, hence the same bits.
 */
export const preluBackpropInputConfig: tf.KernelConfig = {
  kernelName: preluBackpropInputKernelName,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const wasm = backend as BackendWasm;
    const operands = inputs as unknown as PreluBackpropInputs;
    const out = wasm.makeOutput(operands.x.shape, 'float32');
    const { dy, x, alpha, out: dx } = views(wasm, operands, out);
    const channels = alpha.length;
    for (let index = 0, channel = 0; index < dx.length; index++) {
      // Branch-free (signs of activations are a coin flip for the branch predictor): the factor is
      // exactly 1 or alpha (alpha + (1 - alpha) is 1 in double precision for a float32 alpha).
      const slope = alpha[channel]!;
      dx[index] = dy[index]! * (slope + +(x[index]! > 0) * (1 - slope));
      if (++channel === channels) channel = 0;
    }
    return out;
  },
};

/**
 * d alpha = sum over the broadcast (leading) axes of (x > 0 ? 0 : dy * x): tfjs's PReLU slope
 * gradient `sum(where(x > 0, zerosLike(dy), dy * x), axes)` (Greater, ZerosLike, Multiply,
 * Select and a Sum that transposes) in one pass. Each slope adds its terms in the order the
 * stock Sum does (leading axes in row-major order, float32), so the bits are the same, except
 * where dy or x is infinite or NaN at an x > 0: tfjs drops that term, here it makes the
 * slope's gradient NaN (dx or the activation is already non-finite there).
 */
export const preluBackpropAlphaConfig: tf.KernelConfig = {
  kernelName: preluBackpropAlphaKernelName,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const wasm = backend as BackendWasm;
    const operands = inputs as unknown as PreluBackpropInputs;
    const out = wasm.makeOutput(operands.alpha.shape, 'float32');
    const { dy, x, out: sums } = views(wasm, operands, out);
    const channels = sums.length;
    const fround = Math.fround;
    if (channels === x.length) {
      // Nothing is broadcast, so tfjs sums nothing: the terms themselves.
      for (let index = 0; index < x.length; index++) {
        sums[index] = fround(dy[index]! * x[index]!) * +(x[index]! <= 0);
      }
      return out;
    }
    sums.fill(0);
    for (let index = 0, channel = 0; index < x.length; index++) {
      // Branch-free: the product times (x <= 0) is dy * x where x <= 0 and a zero where x > 0,
      // which leaves a float32 sum unchanged (it never is -0), so each slope gets tfjs's bits.
      const value = x[index]!;
      sums[channel] = sums[channel]! + fround(dy[index]! * value) * +(value <= 0);
      if (++channel === channels) channel = 0;
    }
    return out;
  },
};

/** The kernels' own gradients (for double backprop, e.g. a gradient penalty through PReLU), in tf ops. */
export const preluBackpropGradients: readonly tf.GradConfig[] = [
  {
    // dx = dy * s(x), s = 1 or alpha: linear in dy; piecewise constant in x; d alpha sums dy * upstream where x <= 0.
    kernelName: preluBackpropInputKernelName,
    inputsToSave: ['dy', 'x', 'alpha'],
    gradFunc: (upstream, saved) => {
      const [dy, x, alpha] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return {
        dy: () => preluInputGradient(upstream as tf.Tensor, x, alpha),
        x: () => tf.zerosLike(x),
        alpha: () => sumToShape(tf.where(tf.greater(x, 0), tf.zerosLike(dy), tf.mul(upstream as tf.Tensor, dy)), alpha),
      };
    },
  },
  {
    // d alpha = sum(dy * x where x <= 0): bilinear in dy and x (the mask is piecewise constant).
    kernelName: preluBackpropAlphaKernelName,
    inputsToSave: ['dy', 'x', 'alpha'],
    gradFunc: (upstream, saved) => {
      const [dy, x, alpha] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const broadcast = () => tf.broadcastTo(tf.reshape(upstream as tf.Tensor, alpha.shape), x.shape);
      const belowZero = () => tf.logicalNot(tf.greater(x, 0));
      return {
        dy: () => tf.where(belowZero(), tf.mul(broadcast(), x), tf.zerosLike(x)),
        x: () => tf.where(belowZero(), tf.mul(broadcast(), dy), tf.zerosLike(x)),
        alpha: () => tf.zerosLike(alpha),
      };
    },
  },
];

function preluInputGradient(dy: tf.Tensor, x: tf.Tensor, alpha: tf.Tensor): tf.Tensor {
  if (fusedPreluBackpropApplies(dy, x, alpha) && tf.getKernel(preluBackpropInputKernelName, tf.getBackend())) {
    return tf.engine().runKernel(preluBackpropInputKernelName, { dy, x, alpha }) as tf.Tensor;
  }
  return tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha));
}

function sumToShape(value: tf.Tensor, target: tf.Tensor): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(target.shape, value.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(value, axes) : value, target.shape);
}

/**
 * The PReLU gradient with the fused kernels where the current backend has them (wasm, after
 * `registerWasmTrainingKernels()`) and the operands fit ({@link fusedPreluBackpropApplies});
 * everywhere else it is tfjs's own gradient (`stock`), so other backends compute exactly what they did.
 */
export function preluGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.Prelu,
    inputsToSave: ['x', 'alpha'],
    gradFunc: (dy, saved, attrs) => {
      const [x, alpha] = saved as [tf.Tensor, tf.Tensor];
      const gradient = dy as tf.Tensor;
      const backend = tf.getBackend();
      if (
        !fusedPreluBackpropApplies(gradient, x, alpha) ||
        !tf.getKernel(preluBackpropInputKernelName, backend) ||
        !tf.getKernel(preluBackpropAlphaKernelName, backend)
      ) {
        return stock.gradFunc(dy, saved, attrs);
      }
      return {
        x: () => tf.engine().runKernel(preluBackpropInputKernelName, { dy: gradient, x, alpha }) as tf.Tensor,
        alpha: () => tf.engine().runKernel(preluBackpropAlphaKernelName, { dy: gradient, x, alpha }) as tf.Tensor,
      };
    },
  };
}
