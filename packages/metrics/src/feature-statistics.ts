import * as tf from '@tensorflow/tfjs';

import { assertIsTensor, describedAs, InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

/**
 * Mean and covariance of a set of feature vectors, in float64: what the Fréchet distance needs, and
 * what is worth caching for a reference data set (as pytorch-fid caches `mu` and `sigma`).
 */
export interface FeatureStatistics {
  readonly count: number;
  readonly dimension: number;
  /** Mean, length `dimension`. */
  readonly mean: Float64Array;
  /** Sample covariance (divided by count - 1, as numpy.cov), row-major dimension x dimension. */
  readonly covariance: Float64Array;
}

// Rows read per download; their transposed copy (dimension x 256 float64) stays in cache.
const chunkRows = 256;

export function assertFeatures(features: unknown, argument: string, minimumCount = 1): asserts features is tf.Tensor2D {
  assertIsTensor(features, argument);
  if (features.rank !== 2 || features.shape[0]! < minimumCount || features.shape[1]! < 1) {
    throw new ShapeMismatchError(
      argument,
      `[count >= ${minimumCount}, dimension]`,
      features.shape,
      'Pass one feature vector per row (see extractFeatures).',
    );
  }
}

export async function assertFinite(tensor: tf.Tensor, argument: string): Promise<void> {
  const check = tf.tidy(() => tf.all(tf.isFinite(tensor)));
  const finite = (await check.data())[0];
  check.dispose();
  if (!finite) throw new InvalidArgumentError(argument, 'finite values', describedAs('NaN or infinite values'));
}

/**
 * The mean and the sample covariance of `features` ([count, dimension], count >= 2), in float64 on
 * the CPU, so the result is the same on every backend. Float32 sums are not enough: the square root
 * in the Fréchet distance amplifies errors in the covariance's small eigenvalues. Rows are read in
 * chunks of 256 and shifted by the first row (a data point, so the shifted sums do not cancel).
 *
 * @example
 * ```ts
 * const reference = await featureStatistics(realFeatures); // cache it
 * const { distance } = await frechetDistance(reference, generatedFeatures);
 * ```
 */
export async function featureStatistics(features: tf.Tensor2D): Promise<FeatureStatistics> {
  return statisticsOfFeatures(features, 'features');
}

/** {@link featureStatistics}, naming `argument` in its errors. */
export async function statisticsOfFeatures(features: tf.Tensor2D, argument: string): Promise<FeatureStatistics> {
  assertFeatures(features, argument, 2);
  await assertFinite(features, argument);
  const [count, dimension] = features.shape;
  let shift: Float64Array | undefined;
  const sums = new Float64Array(dimension);
  const products = new Float64Array(dimension * dimension); // lower triangle used
  const columns = new Float64Array(dimension * chunkRows); // the chunk, shifted, one feature per row
  for (let start = 0; start < count; start += chunkRows) {
    const rows = Math.min(chunkRows, count - start);
    const chunk = features.slice([start, 0], [rows, dimension]);
    const values = await chunk.data();
    chunk.dispose();
    shift ??= Float64Array.from(values.subarray(0, dimension));
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < dimension; j++) columns[j * chunkRows + r] = values[r * dimension + j]! - shift[j]!;
    }
    for (let i = 0; i < dimension; i++) {
      const rowI = i * chunkRows;
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += columns[rowI + r]!;
      sums[i]! += sum;
      for (let j = 0; j <= i; j++) {
        const rowJ = j * chunkRows;
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += columns[rowI + r]! * columns[rowJ + r]!;
        products[i * dimension + j]! += dot;
      }
    }
  }
  const shiftedMean = sums.map((sum) => sum / count);
  const mean = shiftedMean.map((value, j) => value + shift![j]!);
  const covariance = new Float64Array(dimension * dimension);
  for (let i = 0; i < dimension; i++) {
    for (let j = 0; j <= i; j++) {
      // numpy.cov: sum of centred products over count - 1.
      const value = (products[i * dimension + j]! - count * shiftedMean[i]! * shiftedMean[j]!) / (count - 1);
      covariance[i * dimension + j] = value;
      covariance[j * dimension + i] = value;
    }
  }
  return { count, dimension, mean, covariance };
}
