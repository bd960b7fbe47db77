import * as tf from '@tensorflow/tfjs';

/** The stock wasm convolutions that hand 'same' padding to XNNPACK, and whether each is depthwise. */
export const samePaddingConvolutions: ReadonlyArray<readonly [kernelName: string, depthwise: boolean]> = [
  [tf.Conv2D, false],
  [tf.FusedConv2D, false],
  [tf.DepthwiseConv2dNative, true],
  [tf.FusedDepthwiseConv2D, true],
];

const wrappers = new WeakSet<tf.KernelFunc>();

/** Whether `kernelFunc` is a wrapper made by {@link withExplicitSamePadding}. */
export function isExplicitSamePaddingWrapper(kernelFunc: tf.KernelFunc): boolean {
  return wrappers.has(kernelFunc);
}

/**
 * Wraps a stock wasm convolution kernel so that 'same' padding reaches it as explicit pads when a
 * (dilated) filter dimension is smaller than its stride. tfjs-backend-wasm 4.22 passes 'same' to
 * XNNPACK as its TensorFlow-SAME flag, and in that case the result is wrong (all zeros for a 2x1
 * filter at stride 2, for instance). The explicit pads tfjs computes give the same output shape.
 * The stock `setupFunc` is kept, so the wrapper may be registered before or after backend init.
 *
 * @example
 * ```ts
 * const stock = tf.getKernel('Conv2D', 'wasm')!;
 * tf.unregisterKernel('Conv2D', 'wasm');
 * tf.registerKernel(withExplicitSamePadding(stock, false));
 * ```
 */
export function withExplicitSamePadding(stock: tf.KernelConfig, depthwise: boolean): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const attrs = args.attrs as unknown as tf.Conv2DAttrs | undefined;
    // NCHW goes through untouched: the stock kernel rejects it with its own message.
    if (attrs?.pad !== 'same' || attrs.dataFormat === 'NCHW') return stock.kernelFunc(args);
    const { x, filter } = args.inputs as unknown as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const convInfo = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      'same',
      attrs.dimRoundingMode,
      depthwise,
    );
    const { effectiveFilterHeight, effectiveFilterWidth, strideHeight, strideWidth } = convInfo;
    if (effectiveFilterHeight >= strideHeight && effectiveFilterWidth >= strideWidth) return stock.kernelFunc(args);
    const { top, bottom, left, right } = convInfo.padInfo;
    const pad: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    return stock.kernelFunc({ ...args, attrs: { ...args.attrs, pad } });
  };
  wrappers.add(kernelFunc);
  return { ...stock, kernelFunc };
}
