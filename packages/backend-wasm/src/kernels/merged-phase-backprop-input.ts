import type * as tf from '@tensorflow/tfjs';

import { gatherRows } from './gather-rows.js';
import { interleavePhases } from './interleave-phases.js';
import type { WasmKernelScope } from './run-wasm-kernel.js';
import { mergedPhaseWindow, type SubPixelAxis } from './sub-pixel-phases.js';

// XNNPACK's wasm SIMD f32 GEMM computes output channels in blocks of 8 (its "nr"); a conv with
// fewer output channels costs as much as one with 8.
const outputChannelBlock = 8;
const blocks = (channels: number) => Math.ceil(channels / outputChannelBlock) * outputChannelBlock;

/**
 * Whether one conv producing every phase as extra output channels (merged window, some zero taps)
 * is cheaper than one conv per phase. It is when the input gradient has few channels: per-phase
 * convs with 1 output channel waste 7/8 of each GEMM block (DCGAN's 28x28x1 output layer).
 *
 * @example
 * ```ts
 * prefersMergedPhases(subPixelAxis(28, 14, 4, 2, 1), subPixelAxis(28, 14, 4, 2, 1), 64, 1); // true
 * ```
 */
export function prefersMergedPhases(
  rows: SubPixelAxis,
  cols: SubPixelAxis,
  outChannels: number,
  inChannels: number,
): boolean {
  if (rows.stride * cols.stride === 1) return false;
  let perPhase = 0;
  for (const rowPhase of rows.phases) {
    for (const colPhase of cols.phases) {
      perPhase += rowPhase.taps.length * colPhase.taps.length * outChannels * blocks(inChannels);
    }
  }
  const merged =
    mergedPhaseWindow(rows).size *
    mergedPhaseWindow(cols).size *
    outChannels *
    blocks(rows.stride * cols.stride * inChannels);
  return merged < perPhase;
}

/**
 * The input gradient of a strided conv as ONE stride-1 XNNPACK `Conv2D` whose output channels are
 * (row phase, column phase, input channel), then interleaved. Every phase reads the same merged
 * window of dy; taps a phase does not have are zeros in the filter.
 *
 * @example
 * ```ts
 * const dx = mergedPhaseBackpropInput(scope, { dy, filterByTap, filterWidth: 4, outChannels: 64, inChannels: 1,
 *   inputShape: [64, 28, 28, 1], rows, cols });
 * ```
 */
export function mergedPhaseBackpropInput(
  scope: WasmKernelScope,
  args: {
    /** Output gradient, NHWC. */
    readonly dy: tf.TensorInfo;
    /** The filter as `[filterHeight * filterWidth, outChannels * inChannels]`. */
    readonly filterByTap: tf.TensorInfo;
    readonly filterWidth: number;
    readonly outChannels: number;
    readonly inChannels: number;
    readonly inputShape: readonly [number, number, number, number];
    readonly rows: SubPixelAxis;
    readonly cols: SubPixelAxis;
  },
): tf.TensorInfo {
  const { backend, run, track } = scope;
  const { dy, filterByTap, filterWidth, outChannels, inChannels, inputShape, rows, cols } = args;
  const rowWindow = mergedPhaseWindow(rows);
  const colWindow = mergedPhaseWindow(cols);
  const phaseCount = rows.stride * cols.stride;

  // Filter rows in (window row, window column, row phase, column phase) order.
  const tapRows: number[] = [];
  for (let t = 0; t < rowWindow.size; t++) {
    for (let u = 0; u < colWindow.size; u++) {
      for (const rowTaps of rowWindow.tapAt) {
        for (const colTaps of colWindow.tapAt) {
          const [row, col] = [rowTaps[t]!, colTaps[u]!];
          tapRows.push(row === -1 || col === -1 ? -1 : row * filterWidth + col);
        }
      }
    }
  }
  const taps = track(gatherRows(backend, filterByTap, tapRows));
  const byPhase = run(
    'Reshape',
    { x: taps },
    { shape: [rowWindow.size * colWindow.size, phaseCount, outChannels, inChannels] },
  );
  // Phases join the output channels: [window, phase, out, in] -> [window, out, phase, in].
  const phasesLast = run('Transpose', { x: byPhase }, { perm: [0, 2, 1, 3] });
  const filter = run(
    'Reshape',
    { x: phasesLast },
    { shape: [rowWindow.size, colWindow.size, outChannels, phaseCount * inChannels] },
  );

  const cropTop = Math.max(-rowWindow.padBefore, 0);
  const cropBottom = Math.max(-rowWindow.padAfter, 0);
  const cropLeft = Math.max(-colWindow.padBefore, 0);
  const cropRight = Math.max(-colWindow.padAfter, 0);
  const keptHeight = rows.outputSize - cropTop - cropBottom;
  const keptWidth = cols.outputSize - cropLeft - cropRight;
  let stacked: tf.TensorInfo;
  if (keptHeight <= 0 || keptWidth <= 0) {
    // Every tap reads padding only.
    stacked = run(
      'Fill',
      {},
      {
        shape: [inputShape[0], rows.phaseLength, cols.phaseLength, phaseCount * inChannels],
        value: 0,
        dtype: 'float32',
      },
    );
  } else {
    const windowDy =
      cropTop + cropBottom + cropLeft + cropRight === 0
        ? dy
        : run('Slice', { x: dy }, { begin: [0, cropTop, cropLeft, 0], size: [-1, keptHeight, keptWidth, -1] });
    stacked = run(
      'Conv2D',
      { x: windowDy, filter },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [Math.max(rowWindow.padBefore, 0), Math.max(rowWindow.padAfter, 0)],
          [Math.max(colWindow.padBefore, 0), Math.max(colWindow.padAfter, 0)],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      },
    );
  }
  return interleavePhases(scope, stacked, rows, cols, inputShape);
}
