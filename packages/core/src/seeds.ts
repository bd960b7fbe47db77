import seedrandom from 'seedrandom';

/**
 * A 31-bit seed derived from a base seed, a stream name and a counter. The trainer draws every
 * random tensor of step t from `deriveSeed(seed, stream, t)`, so its random state is just the step
 * number: resuming from a checkpoint replays the exact same noise.
 */
export function deriveSeed(seed: number, stream: string, counter: number): number {
  // Never 0: tfjs treats a seed of 0 as no seed (`seed ? seed : Math.random()` in its random ops).
  return Math.abs(seedrandom(`${seed}:${stream}:${counter}`).int32()) || 1;
}

/**
 * The seed to hand a tfjs random op for a GANForge seed. tfjs's normal draws (`tf.randomNormal`,
 * `tf.truncatedNormal`, `tf.randomGamma`, and the layer initializers built on them: randomNormal,
 * truncatedNormal, glorotNormal, heNormal, leCunNormal) read a seed of 0 as "no seed"
 * (`seed ? seed : Math.random()` in tfjs-core 4.22's `MPRandGauss`), so seed 0 would draw different
 * values on every call. This maps 0 to 2^32, a seed no user (at most 2^31 - 1) or {@link deriveSeed}
 * (at most 2^31) can pass, and leaves every other seed as it is, so their draws do not change.
 *
 * @example
 * ```ts
 * const z = tf.randomNormal([4, 100], 0, 1, 'float32', tfjsSeed(0)); // the same z on every call
 * ```
 */
export function tfjsSeed(seed: number): number {
  return seed === 0 ? seedZeroForTfjs : seed;
}

const seedZeroForTfjs = 2 ** 32;

/** A seeded uniform [0, 1) generator (Alea), for shuffles and other non-tensor randomness. */
export function seededRandom(seed: number, stream: string): () => number {
  return seedrandom.alea(`${seed}:${stream}`);
}

/** Fisher-Yates shuffle of 0..n-1 with a seeded generator. */
export function shuffledIndices(count: number, seed: number): Int32Array {
  const random = seededRandom(seed, 'shuffle');
  const indices = new Int32Array(count);
  for (let i = 0; i < count; i++) indices[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = swap;
  }
  return indices;
}
