import type * as tf from '@tensorflow/tfjs';

import { gatherRows } from './gather-rows.js';
import { interleavePhases } from './interleave-phases.js';
import type { WasmKernelScope } from './run-wasm-kernel.js';
import type { SubPixelAxis } from './sub-pixel-phases.js';

/** Explicit padding of a stride-1 phase correlation, `[[top, bottom], [left, right]]`, never negative. */
export type PhasePadding = readonly [readonly [number, number], readonly [number, number]];

/**
 * Correlates dy (NHWC) with one phase's filter `[tapsHigh, tapsWide, ...filterTail]`, stride 1,
 * 'valid' after the given padding; returns `[batch, rows.phaseLength, cols.phaseLength, channels]`.
 */
export type PhaseCorrelation = (dy: tf.TensorInfo, phaseFilter: tf.TensorInfo, padding: PhasePadding) => tf.TensorInfo;

/** What a sub-pixel input gradient needs; every tensor is owned by the caller's scope. */
export interface SubPixelBackpropInputArgs {
  /** Output gradient, NHWC. */
  readonly dy: tf.TensorInfo;
  /** The filter with its spatial axes flattened, `[filterHeight * filterWidth, product(filterTail)]`. */
  readonly filterByTap: tf.TensorInfo;
  readonly filterWidth: number;
  /** Shape of a phase filter after its two spatial axes, e.g. `[outChannels, inChannels]`. */
  readonly filterTail: readonly number[];
  /** The input gradient's shape, NHWC. */
  readonly inputShape: readonly [number, number, number, number];
  readonly rows: SubPixelAxis;
  readonly cols: SubPixelAxis;
  readonly correlate: PhaseCorrelation;
}

/**
 * Computes a strided convolution's input gradient as one stride-1 correlation per output phase
 * (sub-pixel decomposition), then interleaves the phases. Unlike zero-insertion it does no work on
 * the zeros between dy samples: stride s costs 1/s^2 of the dilated-dy correlation.
 *
 * @example
 * ```ts
 * const dx = subPixelBackpropInput(scope, { dy, filterByTap, filterWidth: kw, filterTail: [cOut, cIn], inputShape,
 *   rows: subPixelAxis(h, dy.shape[1], kh, sh, padTop), cols: subPixelAxis(w, dy.shape[2], kw, sw, padLeft),
 *   correlate: (d, f, [t, l]) => scope.run('Conv2D', { x: d, filter: f }, { strides: 1, pad: [[0, 0], t, l, [0, 0]], dataFormat: 'NHWC', dilations: 1 }) });
 * ```
 */
export function subPixelBackpropInput(scope: WasmKernelScope, args: SubPixelBackpropInputArgs): tf.TensorInfo {
  const { backend, run, track } = scope;
  const { dy, filterByTap, filterWidth, filterTail, inputShape, rows, cols, correlate } = args;
  const [batch, , , channels] = inputShape;
  const phaseShape = [batch, rows.phaseLength, cols.phaseLength, channels];
  const [dyHeight, dyWidth] = [dy.shape[1]!, dy.shape[2]!];

  const phaseOutputs: tf.TensorInfo[] = [];
  for (const rowPhase of rows.phases) {
    for (const colPhase of cols.phases) {
      const cropTop = Math.max(-rowPhase.padBefore, 0);
      const cropBottom = Math.max(-rowPhase.padAfter, 0);
      const cropLeft = Math.max(-colPhase.padBefore, 0);
      const cropRight = Math.max(-colPhase.padAfter, 0);
      const keptHeight = dyHeight - cropTop - cropBottom;
      const keptWidth = dyWidth - cropLeft - cropRight;
      const [tapsHigh, tapsWide] = [rowPhase.taps.length, colPhase.taps.length];
      if (tapsHigh === 0 || tapsWide === 0 || keptHeight <= 0 || keptWidth <= 0) {
        // No tap of this phase ever meets a dy sample: its rows of dx are zero.
        phaseOutputs.push(run('Fill', {}, { shape: phaseShape, value: 0, dtype: 'float32' }));
        continue;
      }
      const phaseDy =
        cropTop + cropBottom + cropLeft + cropRight === 0
          ? dy
          : run('Slice', { x: dy }, { begin: [0, cropTop, cropLeft, 0], size: [-1, keptHeight, keptWidth, -1] });
      // The phase's taps, reversed, row-major, by row copies. At DCGAN sizes (4x4x64x128 filter)
      // a Reverse plus a rank-5 Slice of a [taps, stride, ...] view took 3 + 15 ms per phase (tfjs
      // slices rank > 4 in generic JS) and wasm GatherV2 0.7 ms; the copies take 0.004 ms.
      const tapRows = rowPhase.taps.flatMap((row) => colPhase.taps.map((col) => row * filterWidth + col));
      const taps = track(gatherRows(backend, filterByTap, tapRows));
      const phaseFilter = run('Reshape', { x: taps }, { shape: [tapsHigh, tapsWide, ...filterTail] });
      phaseOutputs.push(
        correlate(phaseDy, phaseFilter, [
          [Math.max(rowPhase.padBefore, 0), Math.max(rowPhase.padAfter, 0)],
          [Math.max(colPhase.padBefore, 0), Math.max(colPhase.padAfter, 0)],
        ]),
      );
    }
  }

  if (phaseOutputs.length === 1) return phaseOutputs[0]!;
  return interleavePhases(scope, run('Concat', phaseOutputs, { axis: 3 }), rows, cols, inputShape);
}
