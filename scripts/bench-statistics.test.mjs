import { describe, expect, it } from 'vitest';

import { summarizeTimes } from './bench-statistics.ts';

// Expected values computed by hand (and equal to numpy.percentile(..., method='linear')).
describe('summarizeTimes', () => {
  it('takes the middle value of an odd count and interpolates the quartiles', () => {
    // sorted: 1 2 3 4 10; q1 at position 1 -> 2, q3 at position 3 -> 4.
    expect(summarizeTimes([10, 3, 1, 4, 2])).toEqual({ count: 5, median: 3, q1: 2, q3: 4, min: 1, max: 10 });
  });

  it('averages the two middle values of an even count', () => {
    // sorted: 100 110 130 200; median (110 + 130) / 2 = 120; q1 at position 0.75 -> 100 + 0.75 * 10 = 107.5;
    // q3 at position 2.25 -> 130 + 0.25 * 70 = 147.5.
    expect(summarizeTimes([200, 100, 130, 110])).toEqual({
      count: 4,
      median: 120,
      q1: 107.5,
      q3: 147.5,
      min: 100,
      max: 200,
    });
  });

  it('gives one step as its own median and spread', () => {
    expect(summarizeTimes([42])).toEqual({ count: 1, median: 42, q1: 42, q3: 42, min: 42, max: 42 });
  });

  it('does not reorder the caller’s array', () => {
    const times = [3, 1, 2];
    summarizeTimes(times);
    expect(times).toEqual([3, 1, 2]);
  });

  it('refuses no steps and non-finite times', () => {
    expect(() => summarizeTimes([])).toThrow(/no timed steps/);
    expect(() => summarizeTimes([1, Number.NaN])).toThrow(/not a finite time/);
  });
});
