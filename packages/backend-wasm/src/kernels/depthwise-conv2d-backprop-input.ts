import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { assertUnitDilations } from './assert-unit-dilations.js';
import { withWasmKernelScope } from './run-wasm-kernel.js';
import { subPixelBackpropInput } from './sub-pixel-backprop-input.js';
import { subPixelAxis } from './sub-pixel-phases.js';

/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend, which tfjs-backend-wasm 4.22 lacks.
 * Like our `Conv2DBackpropInput`, one stride-1 correlation per stride phase, here an XNNPACK
 * depthwise conv of dy (`C*M` channels) with the phase's flipped taps; with a channel multiplier
 * M > 1 the M products of each input channel are then summed.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * tf.registerKernel(depthwiseConv2dNativeBackpropInputConfig);
 * ```
 */
export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as unknown as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dimRoundingMode, dilations, inputShape } =
      attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    assertUnitDilations('DepthwiseConv2dNativeBackpropInput', dilations);
    const convInfo = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      true,
    );
    const { batchSize, inHeight, inWidth, inChannels, filterHeight, filterWidth } = convInfo;
    const multiplier = filter.shape[3]!;
    const rows = subPixelAxis(inHeight, dy.shape[1]!, filterHeight, convInfo.strideHeight, convInfo.padInfo.top);
    const cols = subPixelAxis(inWidth, dy.shape[2]!, filterWidth, convInfo.strideWidth, convInfo.padInfo.left);

    return withWasmKernelScope(backend as BackendWasm, (scope) => {
      const { run } = scope;
      return subPixelBackpropInput(scope, {
        dy,
        filterByTap: run('Reshape', { x: filter }, { shape: [filterHeight * filterWidth, inChannels * multiplier] }),
        filterWidth,
        filterTail: [inChannels * multiplier, 1],
        inputShape: [batchSize, inHeight, inWidth, inChannels],
        rows,
        cols,
        correlate: (phaseDy, phaseFilter, [rowPadding, colPadding]) => {
          const products = run(
            'DepthwiseConv2dNative',
            { x: phaseDy, filter: phaseFilter },
            { strides: [1, 1], pad: [[0, 0], [...rowPadding], [...colPadding], [0, 0]], dilations: [1, 1] },
          );
          if (multiplier === 1) return products;
          const [b, h, w] = products.shape as [number, number, number, number];
          const byMultiplier = run('Reshape', { x: products }, { shape: [b, h, w, inChannels, multiplier] });
          return run('Sum', { x: byMultiplier }, { axis: [4], keepDims: false });
        },
      });
    });
  },
};
