import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { type FilterGradientWindow, filterGradientWindow } from './filter-gradient-window.js';
import { im2colBackpropFilter } from './im2col-backprop-filter.js';
import { type PatchMatrixOptions, patchGeometry } from './patch-rows.js';
import { type WasmKernelScope, withWasmKernelScope } from './run-wasm-kernel.js';

/**
 * How the filter gradient is computed:
 * - `dilatedCorrelation`: ONE XNNPACK `Conv2D` of x transposed to `[ci, H, W, b]` (input channels as
 *   batch, batch as channels) with dy transposed to `[OH, OW, b, co]` as the filter, stride 1,
 *   dilation = the forward stride; the `[ci, kh, kw, co]` result is transposed back.
 * - `patchesMatMul`: im2col by a `Conv2D` of x with a one-hot filter (each output channel copies one
 *   (kh, kw, ci) tap), then ONE `BatchMatMul` patches^T x dy. The one-hot conv costs
 *   (kh*kw*ci)^2 per output pixel, so this only pays for few taps (e.g. a 1-channel input layer).
 * - `im2colMatMul`: im2col by a heap loop, then ONE `BatchMatMul` per chunk of images (see
 *   {@link im2colBackpropFilter}). Measured (scripts/conv-gradient-bench.ts, 1 thread) at the
 *   DCGAN and SRResNet shapes it is no faster than `dilatedCorrelation` (tfjs-wasm's BatchMatMul
 *   packs the fresh patch matrix as transposed weights on every call), so `auto` does not pick it.
 * - `auto`: `patchesMatMul` when kh*kw*ci <= min(co, 64), else `dilatedCorrelation`. At the DCGAN-28
 *   first layer (4x4x1 -> 64, batch 64) that is ~1 ms instead of 5.8 ms; with 4x4x64 taps the
 *   dilated correlation runs at forward-conv speed.
 */
export type Conv2DBackpropFilterStrategy = 'auto' | 'dilatedCorrelation' | 'patchesMatMul' | 'im2colMatMul';

const maxPatchTaps = 64;

/**
 * Makes a `Conv2DBackpropFilter` kernel for the wasm backend, which tfjs-backend-wasm 4.22 lacks (so
 * no conv net can train on it). dW[kh, kw, ci, co] = sum_{b, oh, ow} x[b, oh*s + kh - pt,
 * ow*s + kw - pl, ci] * dy[b, oh, ow, co], composed of XNNPACK kernels as `strategy` says.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * tf.registerKernel(createConv2DBackpropFilterConfig('dilatedCorrelation'));
 * ```
 */
export function createConv2DBackpropFilterConfig(
  strategy: Conv2DBackpropFilterStrategy = 'auto',
  options: PatchMatrixOptions = {},
): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
        attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      const channelsLast = dataFormat !== 'NCHW';
      const convInfo = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        channelsLast ? 'channelsLast' : 'channelsFirst',
      );
      const { inHeight, inWidth, inChannels, outChannels, filterHeight, filterWidth } = convInfo;
      const [dyHeight, dyWidth] = channelsLast ? [dy.shape[1]!, dy.shape[2]!] : [dy.shape[2]!, dy.shape[3]!];
      const geometry: FilterGradientGeometry = {
        filterShape,
        strides: [convInfo.strideHeight, convInfo.strideWidth],
        rows: filterGradientWindow(inHeight, dyHeight, filterHeight, convInfo.strideHeight, convInfo.padInfo.top),
        cols: filterGradientWindow(inWidth, dyWidth, filterWidth, convInfo.strideWidth, convInfo.padInfo.left),
        channelsLast,
      };
      const patchTaps = filterHeight * filterWidth * inChannels;
      const usePatches =
        strategy === 'patchesMatMul' || (strategy === 'auto' && patchTaps <= Math.min(outChannels, maxPatchTaps));

      return withWasmKernelScope(backend as BackendWasm, (scope) => {
        if (geometry.rows.keptInput === 0 || geometry.cols.keptInput === 0) {
          // Every tap reads padding only.
          return scope.run('Fill', {}, { shape: [...filterShape], value: 0, dtype: 'float32' });
        }
        if (strategy === 'im2colMatMul') {
          const { run } = scope;
          const xNhwc = channelsLast ? x : run('Transpose', { x }, { perm: [0, 2, 3, 1] });
          const dyNhwc = channelsLast ? dy : run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] });
          const geometry = patchGeometry(convInfo, dyHeight, dyWidth);
          return im2colBackpropFilter(scope, xNhwc, dyNhwc, geometry, filterShape, options.maxPatchFloats);
        }
        return usePatches ? patchesMatMul(scope, x, dy, geometry) : dilatedCorrelation(scope, x, dy, geometry);
      });
    },
  };
}

/** `Conv2DBackpropFilter` for the wasm backend, choosing its strategy by shape. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = createConv2DBackpropFilterConfig();

interface FilterGradientGeometry {
  readonly filterShape: readonly [number, number, number, number];
  readonly strides: readonly [number, number];
  readonly rows: FilterGradientWindow;
  readonly cols: FilterGradientWindow;
  readonly channelsLast: boolean;
}

/** Explicit padding that makes a correlation over x yield exactly the filter's (or dy's) extent. */
function windowPadding({ rows, cols }: FilterGradientGeometry): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [rows.padBefore, rows.padAfter],
    [cols.padBefore, cols.padAfter],
    [0, 0],
  ];
}

function dilatedCorrelation(
  { run }: WasmKernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  geometry: FilterGradientGeometry,
): tf.TensorInfo {
  const { filterShape, strides, rows, cols, channelsLast } = geometry;
  let xByChannel = run('Transpose', { x }, { perm: channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0] });
  if (rows.keptInput < xByChannel.shape[1]! || cols.keptInput < xByChannel.shape[2]!) {
    // Rows past the last one any tap reads are cropped (padding cannot be negative).
    xByChannel = run(
      'Slice',
      { x: xByChannel },
      { begin: [0, 0, 0, 0], size: [-1, rows.keptInput, cols.keptInput, -1] },
    );
  }
  const dyAsFilter = run('Transpose', { x: dy }, { perm: channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1] });
  const gradientByChannel = run(
    'Conv2D',
    { x: xByChannel, filter: dyAsFilter },
    { strides: [1, 1], pad: windowPadding(geometry), dataFormat: 'NHWC', dilations: [...strides] },
  );
  assertFilterExtent(gradientByChannel.shape.slice(1, 3), filterShape);
  return run('Transpose', { x: gradientByChannel }, { perm: [1, 2, 0, 3] });
}

function patchesMatMul(
  { backend, run, track }: WasmKernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  geometry: FilterGradientGeometry,
): tf.TensorInfo {
  const { filterShape, strides, rows, cols, channelsLast } = geometry;
  const [filterHeight, filterWidth, inChannels, outChannels] = filterShape;
  const taps = filterHeight * filterWidth * inChannels;
  let xNhwc = channelsLast ? x : run('Transpose', { x }, { perm: [0, 2, 3, 1] });
  const dyNhwc = channelsLast ? dy : run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] });
  if (rows.keptInput < xNhwc.shape[1]! || cols.keptInput < xNhwc.shape[2]!) {
    xNhwc = run('Slice', { x: xNhwc }, { begin: [0, 0, 0, 0], size: [-1, rows.keptInput, cols.keptInput, -1] });
  }
  // One-hot filter [kh, kw, ci, taps]: output channel (kh*kw_size + kw)*ci_size + ci copies that tap.
  const oneHot = new Float32Array(taps * taps);
  for (let tap = 0; tap < taps; tap++) oneHot[tap * taps + tap] = 1;
  const tapFilter = track(
    backend.makeOutput([filterHeight, filterWidth, inChannels, taps], 'float32', undefined, oneHot),
  );
  const patches = run(
    'Conv2D',
    { x: xNhwc, filter: tapFilter },
    { strides: [...strides], pad: windowPadding(geometry), dataFormat: 'NHWC', dilations: [1, 1] },
  );
  assertFilterExtent(patches.shape.slice(1, 3), dyNhwc.shape.slice(1, 3));
  const pixels = patches.shape[0]! * patches.shape[1]! * patches.shape[2]!;
  const patchRows = run('Reshape', { x: patches }, { shape: [pixels, taps] });
  // BatchMatMul with transposeA was 10x slower than an explicit transpose here.
  const patchColumns = run('Transpose', { x: patchRows }, { perm: [1, 0] });
  const gradient = run(
    'BatchMatMul',
    {
      a: run('Reshape', { x: patchColumns }, { shape: [1, taps, pixels] }),
      b: run('Reshape', { x: dyNhwc }, { shape: [1, pixels, outChannels] }),
    },
    { transposeA: false, transposeB: false },
  );
  return run('Reshape', { x: gradient }, { shape: [...filterShape] });
}

function assertFilterExtent(received: readonly number[], expected: readonly number[]): void {
  if (received[0] !== expected[0] || received[1] !== expected[1]) {
    throw new Error(
      `Conv2DBackpropFilter (wasm): an internal correlation covered [${received.join(', ')}] instead of ` +
        `[${expected.slice(0, 2).join(', ')}]; please report the shapes and padding of this call.`,
    );
  }
}
