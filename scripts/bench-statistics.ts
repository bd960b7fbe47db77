// Median and spread of the timed steps of one benchmark column (pure, checked by bench-statistics.test.mjs).

/** Milliseconds per timed step of one column, summarised. */
export interface TimeSummary {
  readonly count: number;
  readonly median: number;
  /** First and third quartiles. */
  readonly q1: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Summarises per-step times (ms) of one column: median, quartiles (linear interpolation between
 * order statistics, numpy's default `linear` method) and min/max. Warm-up steps must already be removed.
 */
export function summarizeTimes(times: readonly number[]): TimeSummary {
  if (times.length === 0) throw new Error('summarizeTimes: no timed steps (is --steps 0?)');
  if (times.some((time) => !Number.isFinite(time))) throw new Error(`summarizeTimes: not a finite time in ${times}`);
  const sorted = [...times].sort((a, b) => a - b);
  const quantile = (q: number) => {
    const position = (sorted.length - 1) * q;
    const lower = sorted[Math.floor(position)]!;
    const upper = sorted[Math.ceil(position)]!;
    return lower + (upper - lower) * (position - Math.floor(position));
  };
  return {
    count: sorted.length,
    median: quantile(0.5),
    q1: quantile(0.25),
    q3: quantile(0.75),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}
