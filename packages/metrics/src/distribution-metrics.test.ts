import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

import { featureStatistics } from './feature-statistics.js';
import { frechetDistance } from './frechet-distance.js';
import { inceptionScore } from './inception-score.js';
import { kernelInceptionDistance } from './kernel-inception-distance.js';

/** The features of packages/metrics/scripts/fid_kid_is_reference.py, from the same integer formulas. */
function matrix(count: number, dimension: number, value: (i: number, j: number) => number): tf.Tensor2D {
  const values: number[] = [];
  for (let i = 0; i < count; i++) for (let j = 0; j < dimension; j++) values.push(value(i, j));
  return tf.tensor2d(values, [count, dimension]);
}
const featuresA = (count: number, dimension: number) =>
  matrix(count, dimension, (i, j) => ((i * 13 + j * 7 + ((i * j) % 5)) % 17) / 4 - 2);
const featuresB = (count: number, dimension: number) =>
  matrix(count, dimension, (i, j) => ((i * 11 + j * 5 + ((i + j) % 3)) % 19) / 5 - 1.5);
function probabilities(count: number, classes: number): tf.Tensor2D {
  const rows: number[][] = [];
  for (let i = 0; i < count; i++) {
    const exps = Array.from({ length: classes }, (_, c) => Math.exp(((i * 7 + c * 3 + ((i * c) % 4)) % 11) / 3));
    const total = exps.reduce((sum, value) => sum + value, 0);
    rows.push(exps.map((value) => value / total));
  }
  return tf.tensor2d(rows);
}

// Printed by `/usr/bin/python3 packages/metrics/scripts/fid_kid_is_reference.py` (numpy 1.24, scipy 1.10):
// pytorch-fid's formula with scipy.linalg.sqrtm; the unbiased polynomial-kernel MMD^2; scipy.stats.entropy.
const reference = {
  fidFullRank: 3.9855729514,
  fidRankDeficient: 14.4685275383,
  kidFullSets: 1.9972171947,
  inceptionScore: {
    mean: 1.3887908834,
    std: 0.011195158,
    scores: [1.3700275949, 1.3991932099, 1.3947183635, 1.3912243654],
  },
};

async function withoutLeaks<T>(fn: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe('frechetDistance', () => {
  it('closed form for two Gaussians: |m1 - m2|^2 + tr S1 + tr S2 - 2 sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2))', async () => {
    // Four points with sample mean 0 and sample covariance I (numpy.cov, n - 1), mapped by L and shifted by m:
    // their covariance is exactly L L^T. For 2x2 matrices tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)).
    const c = Math.sqrt(3 / 2);
    const whitened = [
      [c, 0],
      [-c, 0],
      [0, c],
      [0, -c],
    ];
    const gaussian = (l: number[][], m: number[]) =>
      tf.tensor2d(
        whitened.map(([z0, z1]) => [
          l[0]![0]! * z0! + l[0]![1]! * z1! + m[0]!,
          l[1]![0]! * z0! + l[1]![1]! * z1! + m[1]!,
        ]),
      );
    const a = gaussian(
      [
        [2, 0],
        [1, 1],
      ],
      [1, 2],
    ); // S1 = [[4, 2], [2, 2]]
    const b = gaussian(
      [
        [1, 0],
        [-1, 3],
      ],
      [-1, 0.5],
    ); // S2 = [[1, -1], [-1, 10]]
    // S1 S2 = [[2, 16], [0, 18]]: trace 20; det S1 = 4, det S2 = 9.
    const expected = 2 ** 2 + 1.5 ** 2 + (4 + 2) + (1 + 10) - 2 * Math.sqrt(20 + 2 * Math.sqrt(4 * 9));
    expect(expected).toBeCloseTo(11.9362915, 6);
    const result = await withoutLeaks(() => frechetDistance(a, b));
    expect(result.distance).toBeCloseTo(expected, 5);
    expect(result.meanTerm).toBeCloseTo(6.25, 6);
    expect(result.sqrtResidual).toBeLessThan(1e-12);
    tf.dispose([a, b]);
  });

  it('matches pytorch-fid (scipy sqrtm) with full-rank and rank-deficient covariances', async () => {
    const a = featuresA(40, 6);
    const b = featuresB(30, 6);
    expect((await withoutLeaks(() => frechetDistance(a, b))).distance).toBeCloseTo(reference.fidFullRank, 5);
    // 5 and 7 points in 8 dimensions: singular covariances, where sqrtm needs care and we need none.
    const fewA = featuresA(5, 8);
    const fewB = featuresB(7, 8);
    expect((await frechetDistance(fewA, fewB)).distance).toBeCloseTo(reference.fidRankDeficient, 4);
    tf.dispose([a, b, fewA, fewB]);
  });

  it('is 0 between a set and itself, symmetric, and accepts cached statistics', async () => {
    const a = featuresA(40, 6);
    const b = featuresB(30, 6);
    expect(Math.abs((await frechetDistance(a, a)).distance)).toBeLessThan(1e-9);
    const forward = await frechetDistance(a, b);
    const backward = await frechetDistance(b, a);
    expect(backward.distance).toBeCloseTo(forward.distance, 9);
    const statistics = await withoutLeaks(() => featureStatistics(a));
    expect(statistics.count).toBe(40);
    expect((await frechetDistance(statistics, b)).distance).toBeCloseTo(forward.distance, 9);
    tf.dispose([a, b]);
  });

  it('rejects bad input', async () => {
    const a = featuresA(10, 3);
    const b = featuresB(10, 4);
    const one = featuresA(1, 3);
    await expect(frechetDistance(a, b)).rejects.toThrow(
      /^b: expected features of dimension 3 \(as a\), received dimension 4/,
    );
    await expect(frechetDistance(a, one)).rejects.toThrow(ShapeMismatchError);
    await expect(frechetDistance(a, one)).rejects.toThrow(
      /^b: expected shape \[count >= 2, dimension\], received \[1, 3\]/,
    );
    await expect(frechetDistance([[1]] as never, a)).rejects.toThrow(/^a: expected a tf.Tensor/);
    const withNaN = tf.tensor2d([
      [NaN, 0, 0],
      [0, 0, 0],
    ]);
    await expect(frechetDistance(a, withNaN)).rejects.toThrow(
      /^b: expected finite values, received NaN or infinite values/,
    );
    tf.dispose([a, b, one, withNaN]);
  });
});

describe('kernelInceptionDistance', () => {
  it('by hand: X = {0, 1}, Y = {1, 2} in 1-d: 1 + 27 - 2 * 37 / 4 = 9.5', async () => {
    // k(x, y) = (x y + 1)^3: k(0, 1) = 1, k(1, 2) = 27, and k(X, Y) sums to 1 + 1 + 8 + 27 = 37.
    const x = tf.tensor2d([[0], [1]]);
    const y = tf.tensor2d([[1], [2]]);
    const result = await withoutLeaks(() => kernelInceptionDistance(x, y, { subsets: 1, subsetSize: 2 }));
    expect(result.subsetSize).toBe(2);
    expect(result.values).toHaveLength(1);
    expect(result.mean).toBeCloseTo(9.5, 5);
    tf.dispose([x, y]);
  });

  it('matches the numpy estimator on full sets, and subsets of random draws differ', async () => {
    const a = featuresA(25, 6);
    const b = featuresB(25, 6);
    const full = await withoutLeaks(() => kernelInceptionDistance(a, b, { subsets: 1, subsetSize: 25 }));
    expect(full.mean).toBeCloseTo(reference.kidFullSets, 5);
    const sampled = await kernelInceptionDistance(a, b, { subsets: 20, subsetSize: 10, seed: 1 });
    expect(sampled.subsetSize).toBe(10);
    expect(sampled.std).toBeGreaterThan(0);
    expect(new Set(sampled.values).size).toBe(20);
    // Seeded: the same draws again.
    expect((await kernelInceptionDistance(a, b, { subsets: 20, subsetSize: 10, seed: 1 })).values).toEqual(
      sampled.values,
    );
    tf.dispose([a, b]);
  });

  it('rejects bad input', async () => {
    const a = featuresA(10, 3);
    const b = featuresB(10, 4);
    await expect(kernelInceptionDistance(a, b)).rejects.toThrow(/^b: expected features of dimension 3 \(as a\)/);
    await expect(kernelInceptionDistance(a, a, { subsetSize: 1 })).rejects.toThrow(InvalidArgumentError);
    await expect(kernelInceptionDistance(a, a, { subsets: 0 })).rejects.toThrow(
      /^options.subsets: expected an integer >= 1, received 0/,
    );
    tf.dispose([a, b]);
  });
});

describe('kernelInceptionDistance refuses subsets that cannot differ', () => {
  it('a subsetSize not below the smaller set with several subsets, or above it with one', async () => {
    // Clamping 1,000 to 25 rows made every subset the whole of a and b: the same estimate each time, std 0.
    const a = featuresA(25, 6);
    const b = featuresB(30, 6);
    await expect(kernelInceptionDistance(a, b)).rejects.toThrow(InvalidArgumentError);
    await expect(kernelInceptionDistance(a, b)).rejects.toThrow(
      /^options.subsetSize: expected at most 24, fewer points than the smaller set, so that the 100 subsets differ and their std means something, received 1000 \(a has 25 rows, b has 30\)\. Pass a subsetSize below 25/,
    );
    // Equal to the smaller set: every subset holds all of a, so the std would leave a's sampling out.
    await expect(kernelInceptionDistance(a, b, { subsets: 5, subsetSize: 25 })).rejects.toThrow(
      /^options.subsetSize: expected at most 24/,
    );
    await expect(kernelInceptionDistance(a, b, { subsets: 1, subsetSize: 26 })).rejects.toThrow(
      /^options.subsetSize: expected at most 25, the size of the smaller set, received 26/,
    );
    const proper = await kernelInceptionDistance(a, b, { subsets: 5, subsetSize: 24 });
    expect(proper.std).toBeGreaterThan(0);
    tf.dispose([a, b]);
  });
});

describe('inceptionScore', () => {
  it('matches scipy.stats.entropy over 4 splits', async () => {
    const p = probabilities(40, 5);
    const result = await withoutLeaks(() => inceptionScore(p, { splits: 4 }));
    result.scores.forEach((score, k) => expect(score).toBeCloseTo(reference.inceptionScore.scores[k]!, 6));
    expect(result.mean).toBeCloseTo(reference.inceptionScore.mean, 6);
    expect(result.std).toBeCloseTo(reference.inceptionScore.std, 6);
    p.dispose();
  });

  it('is 1 for uniform predictions and the number of classes for confident, balanced ones', async () => {
    const uniform = tf.fill([6, 3], 1 / 3) as tf.Tensor2D;
    const confident = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3).toFloat() as tf.Tensor2D;
    expect((await inceptionScore(uniform, { splits: 1 })).mean).toBeCloseTo(1, 6);
    expect((await inceptionScore(confident, { splits: 2 })).mean).toBeCloseTo(3, 6);
    tf.dispose([uniform, confident]);
  });

  it('refuses splits with fewer rows than classes: a split of m rows scores at most m', async () => {
    // Confident, balanced predictions over 3 classes score 3 (exp of log 3); split into 3 parts of
    // 2 rows, each part can only show 2 classes and would score exactly 2.
    const confident = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3).toFloat() as tf.Tensor2D;
    await expect(inceptionScore(confident, { splits: 3 })).rejects.toThrow(InvalidArgumentError);
    await expect(inceptionScore(confident, { splits: 3 })).rejects.toThrow(
      /^options.splits: expected at most 2, so that every split has at least as many rows as there are classes \(3\): a split of m rows scores at most m, received 3, which leaves 2 of the 6 rows per split/,
    );
    const p = probabilities(40, 5);
    await expect(inceptionScore(p)).rejects.toThrow(
      /^options.splits: expected at most 8,.* received 10, which leaves 4 of/,
    );
    tf.dispose([confident, p]);
  });

  it('rejects logits and too few rows', async () => {
    const logits = tf.tensor2d([
      [2, -1],
      [0.5, 0.5],
    ]);
    const notNormalised = tf.tensor2d([
      [0.5, 0.2],
      [0.5, 0.5],
    ]);
    await expect(inceptionScore(logits, { splits: 1 })).rejects.toThrow(
      /^probabilities: expected class probabilities in \[0, 1\] \(apply softmax to logits\), received 2 at row 0, class 0/,
    );
    await expect(inceptionScore(notNormalised, { splits: 1 })).rejects.toThrow(/received a sum of 0.7\d* in row 0/);
    await expect(inceptionScore(notNormalised, { splits: 3 })).rejects.toThrow(
      /^probabilities: expected shape \[count >= 3, dimension\]/,
    );
    tf.dispose([logits, notNormalised]);
  });
});
