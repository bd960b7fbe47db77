/**
 * One output phase of a strided convolution's input gradient, along one spatial axis.
 *
 * Rows `stride * q + phase` of dx (q = 0 .. phaseLength-1) are a stride-1 'valid' correlation of dy,
 * padded by `padBefore` / `padAfter` (negative: crop), with the filter taps `taps` (indices into
 * the forward filter, in correlation order).
 */
export interface SubPixelPhase {
  readonly taps: readonly number[];
  readonly padBefore: number;
  readonly padAfter: number;
}

/** The phases of one spatial axis, in phase order, and the rows each phase produces. */
export interface SubPixelAxis {
  readonly stride: number;
  /** dy's size along this axis. */
  readonly outputSize: number;
  /** ceil(inputSize / stride): rows per phase before the interleaved result is cropped to inputSize. */
  readonly phaseLength: number;
  readonly phases: readonly SubPixelPhase[];
}

/**
 * Splits the input gradient of a 1-D convolution (input size `inputSize`, filter size `filterSize`,
 * stride `stride`, `padBefore` zeros before the input) into `stride` phase correlations of dy
 * (`outputSize` rows).
 *
 * The forward conv reads x[o*s + k - p]. For dx[s*q + r], the taps k that reach it satisfy
 * k = c + s*m with c = (r + p) mod s, and read dy[q + A - m] with A = floor((r + p) / s). Taking the
 * M taps in reverse (j = M - 1 - m) turns this into a correlation of dy padded by M - 1 - A before.
 *
 * @example
 * ```ts
 * // conv2dTranspose 7 -> 14, 4 taps, stride 2, 'same' (1 pad before): two 2-tap phases.
 * subPixelAxis(14, 7, 4, 2, 1).phases;
 * // [{ taps: [3, 1], padBefore: 1, padAfter: 0 }, { taps: [2, 0], padBefore: 0, padAfter: 1 }]
 * ```
 */
export function subPixelAxis(
  inputSize: number,
  outputSize: number,
  filterSize: number,
  stride: number,
  padBefore: number,
): SubPixelAxis {
  const phaseLength = Math.ceil(inputSize / stride);
  const phases: SubPixelPhase[] = [];
  for (let phase = 0; phase < stride; phase++) {
    const tapOffset = (phase + padBefore) % stride;
    const rowOffset = Math.floor((phase + padBefore) / stride);
    // A filter narrower than the stride leaves some phases without taps: their rows are zero.
    const tapCount = tapOffset < filterSize ? Math.ceil((filterSize - tapOffset) / stride) : 0;
    const phasePadBefore = tapCount - 1 - rowOffset;
    phases.push({
      taps: Array.from({ length: tapCount }, (_, j) => tapOffset + stride * (tapCount - 1 - j)),
      padBefore: phasePadBefore,
      // A 'valid' correlation of tapCount taps yields phaseLength rows from phaseLength + tapCount - 1.
      padAfter: phaseLength + tapCount - 1 - phasePadBefore - outputSize,
    });
  }
  return { stride, outputSize, phaseLength, phases };
}

/** All phases of one axis as a single correlation window (see {@link mergedPhaseWindow}). */
export interface MergedPhaseWindow {
  readonly size: number;
  readonly padBefore: number;
  /** Negative: crop dy. */
  readonly padAfter: number;
  /** `tapAt[phase][t]`: the filter tap at window position t for that phase, or -1 (a zero). */
  readonly tapAt: ReadonlyArray<readonly number[]>;
}

/**
 * Aligns the phases of one axis on a common padding so that ONE correlation window of dy serves
 * them all: phase r's taps sit at offset (padBefore - r's padBefore) in the window, zeros elsewhere.
 * The window is at most one tap longer than a phase, since phases start at most one row apart.
 *
 * @example
 * ```ts
 * mergedPhaseWindow(subPixelAxis(14, 7, 4, 2, 1));
 * // { size: 3, padBefore: 1, padAfter: 1, tapAt: [[3, 1, -1], [-1, 2, 0]] }
 * ```
 */
export function mergedPhaseWindow(axis: SubPixelAxis): MergedPhaseWindow {
  const active = axis.phases.filter((phase) => phase.taps.length > 0);
  const padBefore = Math.max(...active.map((phase) => phase.padBefore));
  const size = Math.max(...active.map((phase) => padBefore - phase.padBefore + phase.taps.length));
  const tapAt = axis.phases.map((phase) =>
    Array.from({ length: size }, (_, t) => phase.taps[t - (padBefore - phase.padBefore)] ?? -1),
  );
  return { size, padBefore, padAfter: axis.phaseLength + size - 1 - padBefore - axis.outputSize, tapAt };
}
