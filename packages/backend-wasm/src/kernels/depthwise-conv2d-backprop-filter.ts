import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { assertUnitDilations } from './assert-unit-dilations.js';
import { filterGradientWindow } from './filter-gradient-window.js';
import { withWasmKernelScope } from './run-wasm-kernel.js';

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend, which tfjs-backend-wasm 4.22 lacks.
 * dW[kh, kw, c, m] = sum_{b, oh, ow} x[b, oh*s + kh - pt, ow*s + kw - pl, c] * dy[b, oh, ow, c*M + m].
 * Each (sample, channel) pair is correlated on its own: x as `[1, H, W, b*C]`, dy as the depthwise
 * filter `[OH, OW, b*C, M]`, stride 1, dilation = the forward stride, in ONE XNNPACK depthwise
 * conv; the per-sample results are then summed. No work is spent on cross-channel products.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * tf.registerKernel(depthwiseConv2dNativeBackpropFilterConfig);
 * ```
 */
export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dimRoundingMode, dilations, filterShape } =
      attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    assertUnitDilations('DepthwiseConv2dNativeBackpropFilter', dilations);
    const convInfo = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      true,
    );
    const { batchSize, inHeight, inWidth, inChannels, filterHeight, filterWidth, strideHeight, strideWidth } = convInfo;
    const multiplier = filterShape[3];
    const rows = filterGradientWindow(inHeight, dy.shape[1]!, filterHeight, strideHeight, convInfo.padInfo.top);
    const cols = filterGradientWindow(inWidth, dy.shape[2]!, filterWidth, strideWidth, convInfo.padInfo.left);

    return withWasmKernelScope(backend as BackendWasm, ({ run }) => {
      if (rows.keptInput === 0 || cols.keptInput === 0) {
        return run('Fill', {}, { shape: [...filterShape], value: 0, dtype: 'float32' });
      }
      const xBySample = run('Transpose', { x }, { perm: [1, 2, 0, 3] });
      let xAsImage = run('Reshape', { x: xBySample }, { shape: [1, inHeight, inWidth, batchSize * inChannels] });
      if (rows.keptInput < inHeight || cols.keptInput < inWidth) {
        xAsImage = run(
          'Slice',
          { x: xAsImage },
          { begin: [0, 0, 0, 0], size: [1, rows.keptInput, cols.keptInput, -1] },
        );
      }
      const dyBySample = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      const dyAsFilter = run(
        'Reshape',
        { x: dyBySample },
        { shape: [dy.shape[1]!, dy.shape[2]!, batchSize * inChannels, multiplier] },
      );
      const perSample = run(
        'DepthwiseConv2dNative',
        { x: xAsImage, filter: dyAsFilter },
        {
          strides: [1, 1],
          pad: [
            [0, 0],
            [rows.padBefore, rows.padAfter],
            [cols.padBefore, cols.padAfter],
            [0, 0],
          ],
          dilations: [strideHeight, strideWidth],
        },
      );
      const bySample = run(
        'Reshape',
        { x: perSample },
        { shape: [filterHeight * filterWidth, batchSize, inChannels * multiplier] },
      );
      const summed = run('Sum', { x: bySample }, { axis: [1], keepDims: false });
      return run('Reshape', { x: summed }, { shape: [...filterShape] });
    });
  },
};
