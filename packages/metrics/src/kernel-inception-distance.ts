import * as tf from '@tensorflow/tfjs';

import { assertInteger, describedAs, InvalidArgumentError, seededRandom } from '@ganforge/core';

import { assertFeatures, assertFinite } from './feature-statistics.js';

export interface KernelInceptionDistanceOptions {
  /** Number of random subsets averaged. Default 100 (torch-fidelity's default). */
  readonly subsets?: number;
  /**
   * Points drawn (without replacement) from each set per subset. Default 1,000. Must be smaller than
   * both sets when `subsets` > 1, so that the subsets differ (a subset holding a whole set makes
   * the standard deviation meaningless: 0 when it holds both), and at most the smaller set with
   * `subsets: 1` (one estimate on whole sets). Larger values throw instead of being clamped (as
   * torch-fidelity refuses them; Bińkowski et al.'s code clamps, which reports a std of 0).
   */
  readonly subsetSize?: number;
  /** Seed of the subset draws. Default 0. */
  readonly seed?: number;
}

export interface KernelInceptionDistanceResult {
  /** Mean of the unbiased MMD^2 estimates over the subsets. */
  readonly mean: number;
  /** Their (population) standard deviation, as torch-fidelity reports it. */
  readonly std: number;
  /** The estimate of each subset. */
  readonly values: number[];
  readonly subsetSize: number;
}

/** Partial Fisher-Yates: `size` distinct indices of 0..count-1. */
function drawIndices(count: number, size: number, random: () => number): Int32Array {
  const pool = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (count - i));
    const swap = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = swap;
  }
  return pool.slice(0, size);
}

/** Sum of (g / d + 1)^3 over a Gram matrix, in float64, optionally leaving out its diagonal. */
function kernelSum(gram: tf.TypedArray, size: number, dimension: number, withoutDiagonal: boolean): number {
  const kernel = (value: number) => {
    const base = value / dimension + 1;
    return base * base * base;
  };
  let sum = 0;
  for (let i = 0; i < gram.length; i++) sum += kernel(gram[i]!);
  if (withoutDiagonal) for (let i = 0; i < size; i++) sum -= kernel(gram[i * size + i]!);
  return sum;
}

/**
 * Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs", sec. 4): the unbiased
 * estimate of the squared maximum mean discrepancy between two feature sets with the polynomial
 * kernel k(x, y) = (x.y / d + 1)^3, averaged over random subsets. Unlike FID it has an unbiased
 * estimator, so values from different sample sizes can be compared. Features are rows; use any
 * extractor ({@link extractFeatures}).
 *
 * @example
 * ```ts
 * const { mean, std } = await kernelInceptionDistance(realFeatures, fakeFeatures, { subsets: 100, subsetSize: 1000 });
 * ```
 */
export async function kernelInceptionDistance(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  options: KernelInceptionDistanceOptions = {},
): Promise<KernelInceptionDistanceResult> {
  assertFeatures(a, 'a', 2);
  assertFeatures(b, 'b', 2);
  const dimension = a.shape[1];
  if (b.shape[1] !== dimension) {
    throw new InvalidArgumentError(
      'b',
      `features of dimension ${dimension} (as a)`,
      describedAs(`[${b.shape.join(', ')}]`),
    );
  }
  await assertFinite(a, 'a');
  await assertFinite(b, 'b');
  const subsets = options.subsets ?? 100;
  assertInteger(subsets, 1, Number.MAX_SAFE_INTEGER, 'options.subsets');
  const requested = options.subsetSize ?? 1000;
  assertInteger(requested, 2, Number.MAX_SAFE_INTEGER, 'options.subsetSize');
  const seed = options.seed ?? 0;
  assertInteger(seed, 0, Number.MAX_SAFE_INTEGER, 'options.seed');
  const smaller = Math.min(a.shape[0], b.shape[0]);
  const largest = subsets > 1 ? smaller - 1 : smaller;
  if (requested > largest) {
    throw new InvalidArgumentError(
      'options.subsetSize',
      subsets > 1
        ? `at most ${largest}, fewer points than the smaller set, so that the ${subsets} subsets differ and their std means something`
        : `at most ${largest}, the size of the smaller set`,
      describedAs(`${requested} (a has ${a.shape[0]} rows, b has ${b.shape[0]})`),
      subsets > 1
        ? `Pass a subsetSize below ${smaller} (e.g. half of it), or { subsets: 1, subsetSize: ${smaller} } for one estimate without a std.`
        : `Pass { subsetSize: ${smaller} } or less.`,
    );
  }
  const size = requested;
  const random = seededRandom(seed, 'kid-subsets');

  const values: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const indicesA = drawIndices(a.shape[0], size, random);
    const indicesB = drawIndices(b.shape[0], size, random);
    const [xx, yy, xy] = tf.tidy(() => {
      const x = tf.gather(a, tf.tensor1d(indicesA, 'int32')).toFloat();
      const y = tf.gather(b, tf.tensor1d(indicesB, 'int32')).toFloat();
      return [x.matMul(x, false, true), y.matMul(y, false, true), x.matMul(y, false, true)];
    });
    const [gramXX, gramYY, gramXY] = await Promise.all([xx.data(), yy.data(), xy.data()]);
    tf.dispose([xx, yy, xy]);
    const pairs = size * (size - 1);
    values.push(
      kernelSum(gramXX, size, dimension, true) / pairs +
        kernelSum(gramYY, size, dimension, true) / pairs -
        (2 * kernelSum(gramXY, size, dimension, false)) / (size * size),
    );
  }
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const std = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
  return { mean, std, values, subsetSize: size };
}
