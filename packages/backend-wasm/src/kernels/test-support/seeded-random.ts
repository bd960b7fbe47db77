/**
 * A small seeded generator (mulberry32) so that every random test case reproduces from its seed.
 * Test code only; `seedrandom` is not a dependency of this package.
 *
 * @example
 * ```ts
 * const random = seededRandom(7);
 * random.integer(1, 3); // 1, 2 or 3
 * ```
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  integer(min: number, max: number): number;
  pick<T>(values: readonly T[]): T;
  /** `size` values uniform in [-1, 1). */
  values(size: number): Float32Array;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (values) => values[Math.floor(next() * values.length)]!,
    values: (size) => Float32Array.from({ length: size }, () => next() * 2 - 1),
  };
}
