import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { col2imBackpropInput, prefersMatMulCol2im } from './col2im-backprop-input.js';
import { type PatchMatrixOptions, patchGeometry } from './patch-rows.js';
import { mergedPhaseBackpropInput, prefersMergedPhases } from './merged-phase-backprop-input.js';
import { withWasmKernelScope } from './run-wasm-kernel.js';
import { subPixelBackpropInput } from './sub-pixel-backprop-input.js';
import { subPixelAxis } from './sub-pixel-phases.js';

/**
 * How the input gradient is computed:
 * - `perPhase`: one XNNPACK `Conv2D` per stride phase, concatenated and interleaved (sub-pixel
 *   decomposition, see {@link subPixelAxis}).
 * - `mergedPhases`: ONE `Conv2D` whose output channels are (phase, channel), over a window that
 *   fits every phase (some zero taps).
 * - `matMulCol2im`: ONE XNNPACK matrix product dy x W^T into patch rows, then col2im (a heap loop),
 *   see {@link col2imBackpropInput}.
 * - `auto`: `matMulCol2im` for a strided conv whose dx has few channels and dy enough
 *   ({@link prefersMatMulCol2im}),
 *   else the cheaper sub-pixel form by {@link prefersMergedPhases}. Large layers stay on
 *   convolutions: they run at forward-conv speed and scale with XNNPACK's threads.
 */
export type Conv2DBackpropInputStrategy = 'auto' | 'perPhase' | 'mergedPhases' | 'matMulCol2im';

/**
 * Makes a `Conv2DBackpropInput` kernel for the wasm backend: the input gradient of a 2-D
 * convolution, which is also every `conv2dTranspose` forward pass. tfjs-backend-wasm 4.22 ships
 * this kernel as a single-threaded scalar loop; this one runs XNNPACK convolutions on the stride
 * phases and interleaves them with a transpose, or (strided, few dx channels) one XNNPACK matrix
 * product and a col2im.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
 * tf.registerKernel(createConv2DBackpropInputConfig('perPhase'));
 * ```
 */
export function createConv2DBackpropInputConfig(
  strategy: Conv2DBackpropInputStrategy = 'auto',
  options: PatchMatrixOptions = {},
): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as unknown as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
      const channelsLast = dataFormat !== 'NCHW';
      const convInfo = tf.backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        channelsLast ? 'channelsLast' : 'channelsFirst',
      );
      const { batchSize, inHeight, inWidth, inChannels, filterHeight, filterWidth } = convInfo;

      return withWasmKernelScope(backend as BackendWasm, (scope) => {
        const { run } = scope;
        // XNNPACK convolutions are NHWC only; NCHW callers pay two transposes.
        const dyNhwc = channelsLast ? dy : run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] });
        if (
          strategy === 'matMulCol2im' ||
          (strategy === 'auto' &&
            prefersMatMulCol2im(inChannels, convInfo.outChannels, convInfo.strideHeight * convInfo.strideWidth))
        ) {
          const geometry = patchGeometry(convInfo, dyNhwc.shape[1]!, dyNhwc.shape[2]!);
          const dx = col2imBackpropInput(scope, dyNhwc, filter, geometry, options.maxPatchFloats);
          return channelsLast ? dx : run('Transpose', { x: dx }, { perm: [0, 3, 1, 2] });
        }
        // dy's channels are the correlation's input channels: [kh, kw, in, out] -> [kh*kw, out*in].
        const swapped = run('Transpose', { x: filter }, { perm: [0, 1, 3, 2] });
        const filterByTap = run('Reshape', { x: swapped }, { shape: [filterHeight * filterWidth, -1] });
        const inputShape = [batchSize, inHeight, inWidth, inChannels] as const;
        const rows = subPixelAxis(
          inHeight,
          dyNhwc.shape[1]!,
          filterHeight,
          convInfo.strideHeight,
          convInfo.padInfo.top,
        );
        const cols = subPixelAxis(inWidth, dyNhwc.shape[2]!, filterWidth, convInfo.strideWidth, convInfo.padInfo.left);
        const { outChannels } = convInfo;
        const merged =
          strategy === 'mergedPhases' ||
          (strategy === 'auto' && prefersMergedPhases(rows, cols, outChannels, inChannels));
        const dx = merged
          ? mergedPhaseBackpropInput(scope, {
              dy: dyNhwc,
              filterByTap,
              filterWidth,
              outChannels,
              inChannels,
              inputShape,
              rows,
              cols,
            })
          : subPixelBackpropInput(scope, {
              dy: dyNhwc,
              filterByTap,
              filterWidth,
              filterTail: [outChannels, inChannels],
              inputShape,
              rows,
              cols,
              correlate: (phaseDy, phaseFilter, [rowPadding, colPadding]) =>
                run(
                  'Conv2D',
                  { x: phaseDy, filter: phaseFilter },
                  {
                    strides: [1, 1],
                    pad: [[0, 0], [...rowPadding], [...colPadding], [0, 0]],
                    dataFormat: 'NHWC',
                    dilations: [1, 1],
                  },
                ),
            });
        return channelsLast ? dx : run('Transpose', { x: dx }, { perm: [0, 3, 1, 2] });
      });
    },
  };
}

/** `Conv2DBackpropInput` for the wasm backend, choosing its strategy by shape. */
export const conv2DBackpropInputConfig: tf.KernelConfig = createConv2DBackpropInputConfig();
