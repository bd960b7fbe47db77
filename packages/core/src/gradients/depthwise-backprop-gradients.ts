import * as tf from '@tensorflow/tfjs';

// The two depthwise backprop kernels are bilinear, like Conv2DBackpropFilter (see
// register-missing-gradients.ts): dx = A(filter)^T dy and dFilter = B(x, dy), where the forward is
// y = depthwiseConv2d(x, filter). For an upstream G shaped like their output:
//   BackpropInput:  d/ddy = depthwiseConv2d(G, filter),  d/dfilter = BackpropFilter(G, dy)
//   BackpropFilter: d/dx  = BackpropInput(dy, G),        d/ddy     = depthwiseConv2d(x, G)
// tfjs-core 4.22 registers neither, so a gradient penalty through depthwiseConv2d or separableConv2d
// failed with "gradient function not found". The kernels run through the engine so that they are
// recorded on the tape like any op.

interface DepthwiseAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function attributes(attrs: tf.NamedAttrMap): DepthwiseAttrs {
  const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as DepthwiseAttrs;
  return { strides, pad, dilations: dilations ?? [1, 1], dimRoundingMode };
}

function depthwise(x: tf.Tensor, filter: tf.Tensor, a: DepthwiseAttrs): tf.Tensor {
  return tf.depthwiseConv2d(
    x as tf.Tensor4D,
    filter as tf.Tensor4D,
    a.strides,
    a.pad as 'valid' | 'same',
    'NHWC',
    a.dilations,
    a.dimRoundingMode,
  );
}

const backpropInputGradient: tf.GradConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  inputsToSave: ['dy', 'filter'],
  gradFunc: (upstream, saved, attrs) => {
    const [dy, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const a = attributes(attrs);
    return {
      dy: () => depthwise(upstream as tf.Tensor, filter, a),
      filter: () =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: upstream as tf.Tensor, dy }, {
          ...a,
          filterShape: filter.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
    };
  },
};

const backpropFilterGradient: tf.GradConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  inputsToSave: ['x', 'dy'],
  gradFunc: (upstream, saved, attrs) => {
    const [x, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
    const a = attributes(attrs);
    return {
      x: () =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: upstream as tf.Tensor }, {
          ...a,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      dy: () => depthwise(x, upstream as tf.Tensor, a),
    };
  },
};

/** Gradients of DepthwiseConv2dNativeBackpropInput and ...BackpropFilter (absent in tfjs-core 4.22). */
export function depthwiseBackpropGradients(): tf.GradConfig[] {
  return [backpropInputGradient, backpropFilterGradient];
}
