import type * as tf from '@tensorflow/tfjs';

import type { WasmKernelScope } from './run-wasm-kernel.js';
import type { SubPixelAxis } from './sub-pixel-phases.js';

/**
 * Interleaves phase outputs stacked on channels, `[B, Q, Q', sh*sw*C]` (row phase major), into
 * `[B, Q*sh, Q'*sw, C]` and crops to the input size. That memory order is `[B*Q, Q', sh, sw*C]`,
 * so a single rank-4 transpose `[0, 2, 1, 3]` gives `[B*Q, sh, Q', sw*C]`, which is the result.
 *
 * @example
 * ```ts
 * const dx = interleavePhases(scope, run('Concat', phaseOutputs, { axis: 3 }), rows, cols, [b, h, w, c]);
 * ```
 */
export function interleavePhases(
  { run }: WasmKernelScope,
  stacked: tf.TensorInfo,
  rows: SubPixelAxis,
  cols: SubPixelAxis,
  inputShape: readonly [number, number, number, number],
): tf.TensorInfo {
  const [batch, height, width, channels] = inputShape;
  const { phaseLength: phaseRows, stride: rowStride } = rows;
  const { phaseLength: phaseCols, stride: colStride } = cols;
  const grouped = run(
    'Reshape',
    { x: stacked },
    { shape: [batch * phaseRows, phaseCols, rowStride, colStride * channels] },
  );
  const interleaved = run('Transpose', { x: grouped }, { perm: [0, 2, 1, 3] });
  const full = run(
    'Reshape',
    { x: interleaved },
    { shape: [batch, phaseRows * rowStride, phaseCols * colStride, channels] },
  );
  if (phaseRows * rowStride === height && phaseCols * colStride === width) return full;
  return run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [batch, height, width, channels] });
}
