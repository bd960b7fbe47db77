import type * as tf from '@tensorflow/tfjs';

import { assertInteger, describedAs, InvalidArgumentError } from '@ganforge/core';

import { assertFeatures } from './feature-statistics.js';

export interface InceptionScoreResult {
  /** Mean of the per-split scores. */
  readonly mean: number;
  /** Their (population) standard deviation, as Salimans et al.'s code reports it. */
  readonly std: number;
  /** exp(E_x KL(p(y|x) || p(y))) of each split. */
  readonly scores: number[];
}

// Rows must sum to 1 within this (float32 softmax outputs are not exact).
const sumTolerance = 1e-3;

/**
 * Inception Score (Salimans et al. 2016, sec. 4): exp(E_x KL(p(y|x) || p(y))), computed on each of
 * `splits` consecutive parts of the samples (p(y) is the part's mean prediction) and reported as
 * mean and standard deviation over the parts, as the authors' code does. Takes class probabilities
 * from any classifier (Inception-v3 for the published numbers; `loadMnistClassifier()` for MNIST);
 * 0 log 0 counts as 0. Every split needs at least as many rows as there are classes (a split of m
 * rows scores at most m), else {@link InvalidArgumentError} names `options.splits`; rows that are
 * not probabilities (logits) throw too.
 *
 * @example
 * ```ts
 * const probabilities = await extractFeatures(classifier, generated, { layer: 'probabilities' });
 * const { mean, std } = await inceptionScore(probabilities, { splits: 10 });
 * ```
 */
export async function inceptionScore(
  probabilities: tf.Tensor2D,
  options: { splits?: number } = {},
): Promise<InceptionScoreResult> {
  const splits = options.splits ?? 10;
  assertInteger(splits, 1, Number.MAX_SAFE_INTEGER, 'options.splits');
  assertFeatures(probabilities, 'probabilities', splits);
  const [count, classes] = probabilities.shape;
  // A split's score is exp(I(x; y)) <= its number of rows (I <= H(x) = log rows): with fewer rows than
  // classes the cap lies below the classifier's own maximum and the figure measures the split size.
  const smallestSplit = Math.floor(count / splits);
  if (smallestSplit < classes) {
    throw new InvalidArgumentError(
      'options.splits',
      `at most ${Math.max(1, Math.floor(count / classes))}, so that every split has at least as many rows as there are classes (${classes}): a split of m rows scores at most m`,
      describedAs(`${splits}, which leaves ${smallestSplit} of the ${count} rows per split`),
      count < classes ? `Score at least ${classes} samples.` : undefined,
    );
  }
  const values = await probabilities.data();
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const p = values[i * classes + c]!;
      if (!(p >= 0 && p <= 1 + sumTolerance)) {
        throw new InvalidArgumentError(
          'probabilities',
          'class probabilities in [0, 1] (apply softmax to logits)',
          describedAs(`${p} at row ${i}, class ${c}`),
        );
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > sumTolerance) {
      throw new InvalidArgumentError(
        'probabilities',
        'rows that sum to 1 (apply softmax to logits)',
        describedAs(`a sum of ${sum} in row ${i}`),
      );
    }
  }
  const scores: number[] = [];
  for (let k = 0; k < splits; k++) {
    const start = Math.floor((k * count) / splits);
    const end = Math.floor(((k + 1) * count) / splits);
    const marginal = new Float64Array(classes);
    for (let i = start; i < end; i++) for (let c = 0; c < classes; c++) marginal[c]! += values[i * classes + c]!;
    for (let c = 0; c < classes; c++) marginal[c] = marginal[c]! / (end - start);
    let divergence = 0;
    for (let i = start; i < end; i++) {
      for (let c = 0; c < classes; c++) {
        const p = values[i * classes + c]!;
        if (p > 0) divergence += p * (Math.log(p) - Math.log(marginal[c]!));
      }
    }
    scores.push(Math.exp(divergence / (end - start)));
  }
  const mean = scores.reduce((sum, value) => sum + value, 0) / splits;
  const std = Math.sqrt(scores.reduce((sum, value) => sum + (value - mean) ** 2, 0) / splits);
  return { mean, std, scores };
}
