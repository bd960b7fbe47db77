import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

import { defaultParzenSigmas, parzenLogLikelihood } from './parzen-log-likelihood.js';

const dimension = 12;
/** The points of packages/metrics/scripts/parzen_reference.py, from the same integer formula. */
function points(count: number, seed: number): tf.Tensor2D {
  const values: number[] = [];
  for (let i = 0; i < count; i++)
    for (let j = 0; j < dimension; j++) values.push(((i * 31 + j * 17 + seed * 7 + ((i * j * seed) % 13)) % 97) / 96);
  return tf.tensor2d(values, [count, dimension]);
}

// Printed by `/usr/bin/python3 packages/metrics/scripts/parzen_reference.py` (scipy 1.10:
// multivariate_normal.logpdf per sample, logsumexp - log M).
const referenceValidation = [
  { sigma: 0.01, mean: -270.0884409402 },
  { sigma: 0.02, mean: -45.5872977305 },
  { sigma: 0.05, mean: 8.789192941 },
  { sigma: 0.1, mean: 10.1482661242 },
  { sigma: 0.2, mean: 4.6666081 },
];
const referenceTest = { sigma: 0.1, mean: 10.8060147182, stdErr: 1.2686917413 };

const logNormal = (squaredDistance: number, sigma: number, d: number) =>
  -squaredDistance / (2 * sigma * sigma) - (d / 2) * Math.log(2 * Math.PI * sigma * sigma);

describe('parzenLogLikelihood', () => {
  it('matches scipy: sigma chosen on validation, test mean and standard error in nats', async () => {
    const samples = points(50, 1);
    const validation = points(20, 2);
    const test = points(30, 3);
    const before = tf.memory().numTensors;
    const progress: string[] = [];
    const result = await parzenLogLikelihood(samples, test, {
      validation,
      sigmas: referenceValidation.map((entry) => entry.sigma),
      batchSize: 7, // batches that do not divide the counts
      onProgress: ({ phase, done, total }) => progress.push(`${phase} ${done}/${total}`),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.sigma).toBe(referenceTest.sigma);
    result.validation.forEach((entry, k) => {
      expect(entry.sigma).toBe(referenceValidation[k]!.sigma);
      expect(entry.mean).toBeCloseTo(referenceValidation[k]!.mean, 3);
    });
    expect(result.mean).toBeCloseTo(referenceTest.mean, 4);
    expect(result.stdErr).toBeCloseTo(referenceTest.stdErr, 4);
    expect([result.testCount, result.sampleCount, result.dimension]).toEqual([30, 50, 12]);
    expect(progress).toEqual([
      'validation 7/20',
      'validation 14/20',
      'validation 20/20',
      'test 7/30',
      'test 14/30',
      'test 21/30',
      'test 28/30',
      'test 30/30',
    ]);
    tf.dispose([samples, validation, test]);
  });

  it('one sample and one point: the Gaussian log-density, finite even 30 sigmas away', async () => {
    const sample = tf.tensor2d([[0, 0, 0]]);
    const near = tf.tensor2d([[0.1, -0.2, 0.3]]);
    const far = tf.tensor2d([[3, 0, 0]]);
    const d2 = 0.01 + 0.04 + 0.09;
    const nearResult = await parzenLogLikelihood(sample, near, { sigma: 0.2 });
    expect(nearResult.mean).toBeCloseTo(logNormal(d2, 0.2, 3), 5);
    expect(nearResult.stdErr).toBe(0);
    // exp(-9 / (2 * 0.01)) = exp(-450) underflows float32 and float64 alike; the stable form does not.
    const farResult = await parzenLogLikelihood(sample, far, { sigma: 0.1 });
    expect(farResult.mean).toBeCloseTo(logNormal(9, 0.1, 3), 3);
    tf.dispose([sample, near, far]);
  });

  it('two samples: log of the mean of the two densities', async () => {
    const samples = tf.tensor2d([[0], [1]]);
    const test = tf.tensor2d([[0.25], [2]]);
    const sigma = 0.5;
    const density = (x: number, mu: number) => Math.exp(logNormal((x - mu) ** 2, sigma, 1));
    const expected = [0.25, 2].map((x) => Math.log((density(x, 0) + density(x, 1)) / 2));
    const result = await parzenLogLikelihood(samples, test, { sigma });
    expect(result.mean).toBeCloseTo((expected[0]! + expected[1]!) / 2, 5);
    expect(result.stdErr).toBeCloseTo(Math.abs(expected[0]! - expected[1]!) / 2 / Math.sqrt(2), 5);
    tf.dispose([samples, test]);
  });

  it('the search picks the sigma that maximises validation likelihood (closed form: sigma^2 = r^2 / D)', async () => {
    // One sample at 0; validation points at distance r = 0.6 in D = 4 dimensions. The log-density
    // -r^2 / (2 s^2) - D/2 log(2 pi s^2) peaks at s = r / sqrt(D) = 0.3.
    const sample = tf.zeros([1, 2, 2]);
    const validation = tf.tensor3d([0.6, 0, 0, 0, 0, 0, -0.6, 0, 0.3, 0.3, 0.3, 0.3], [3, 2, 2]);
    const test = tf.zeros([1, 2, 2]);
    const result = await parzenLogLikelihood(sample, test, { validation, sigmas: [0.1, 0.2, 0.3, 0.4, 0.5] });
    expect(result.sigma).toBe(0.3);
    expect(result.mean).toBeCloseTo(logNormal(0, 0.3, 4), 5);
    tf.dispose([sample, validation, test]);
  });

  it("defaults to parzen_ll.py's grid, numpy.logspace(-1, 0, 10)", () => {
    expect(defaultParzenSigmas).toHaveLength(10);
    expect(defaultParzenSigmas[0]).toBeCloseTo(0.1, 12);
    expect(defaultParzenSigmas[1]).toBeCloseTo(0.1291549665, 9);
    expect(defaultParzenSigmas[9]).toBeCloseTo(1, 12);
  });

  it('rejects bad input, naming the argument, the expected and the received value', async () => {
    const samples = tf.zeros([4, 3]);
    const test = tf.zeros([2, 3]);
    const wrongSize = tf.zeros([2, 4]);
    const withNaN = tf.tensor2d([[NaN, 0, 0]]);
    const before = tf.memory().numTensors;
    await expect(parzenLogLikelihood(samples, test)).rejects.toThrow(
      /^options.validation: expected held-out points to choose sigma on \(or options.sigma\), received undefined/,
    );
    await expect(parzenLogLikelihood(samples, wrongSize, { sigma: 1 })).rejects.toThrow(ShapeMismatchError);
    await expect(parzenLogLikelihood(samples, wrongSize, { sigma: 1 })).rejects.toThrow(
      /^test: expected shape \[count, \.\.\.\] with 3 values per point \(as samples\), received \[2, 4\]/,
    );
    await expect(parzenLogLikelihood(samples, test, { sigma: -1 })).rejects.toThrow(
      /^options.sigma: expected a positive finite number, received -1/,
    );
    await expect(parzenLogLikelihood(samples, test, { validation: test, sigmas: [0.1, 0] })).rejects.toThrow(
      /^options.sigmas\[1\]: expected a positive finite number, received 0/,
    );
    // A fixed sigma skips the search: a validation set or grid beside it would be silently unused.
    await expect(parzenLogLikelihood(samples, test, { sigma: 1, validation: test })).rejects.toThrow(
      /^options.validation: expected no value with options.sigma \(a fixed sigma skips the search on the validation set\)/,
    );
    await expect(parzenLogLikelihood(samples, test, { sigma: 1, sigmas: [0.1, 0.2] })).rejects.toThrow(
      /^options.sigmas: expected no value with options.sigma/,
    );
    await expect(parzenLogLikelihood(samples, test, { sigma: 1, batchSize: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(parzenLogLikelihood(withNaN, test, { sigma: 1 })).rejects.toThrow(
      /^samples: expected finite values, received NaN or infinite values/,
    );
    await expect(parzenLogLikelihood(tf.zeros([3]), test, { sigma: 1 })).rejects.toThrow(
      /^samples: expected shape \[count >= 1/,
    );
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(parzenLogLikelihood(samples, test, { sigma: 1, signal: controller.signal })).rejects.toThrow(
      'stopped',
    );
    expect(tf.memory().numTensors).toBe(before + 1); // the tf.zeros([3]) made inline above
    tf.dispose([samples, test, wrongSize, withNaN]);
  });
});
