import type * as tf from '@tensorflow/tfjs';

import { describedAs, InvalidArgumentError } from '@ganforge/core';

import { type FeatureStatistics, statisticsOfFeatures } from './feature-statistics.js';
import { NumericalPrecisionError } from './metric-errors.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** Features [count, dimension] (count >= 2), or their statistics computed once with {@link featureStatistics}. */
export type FeatureSource = tf.Tensor2D | FeatureStatistics;

export interface FrechetDistanceResult {
  /** d^2 = |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)). */
  readonly distance: number;
  /** |mu1 - mu2|^2. */
  readonly meanTerm: number;
  /** tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2)). */
  readonly covarianceTerm: number;
  /**
   * Relative Frobenius residual of the matrix square roots (|R R - M| / |M|, the larger of the two
   * computed); above 1e-6 the call throws {@link NumericalPrecisionError}.
   */
  readonly sqrtResidual: number;
}

export const maximumSqrtResidual = 1e-6;

function isStatistics(source: unknown): source is FeatureStatistics {
  return typeof source === 'object' && source !== null && 'covariance' in source && 'mean' in source;
}

function validateStatistics(statistics: FeatureStatistics, argument: string): FeatureStatistics {
  const { dimension, mean, covariance } = statistics;
  if (
    !Number.isInteger(dimension) ||
    dimension < 1 ||
    mean?.length !== dimension ||
    covariance?.length !== dimension * dimension
  ) {
    throw new InvalidArgumentError(
      argument,
      'FeatureStatistics with mean of length dimension and covariance of dimension^2 values',
      describedAs(`dimension ${dimension}, mean of ${mean?.length}, covariance of ${covariance?.length}`),
    );
  }
  return statistics;
}

async function statisticsOf(source: FeatureSource, argument: string): Promise<FeatureStatistics> {
  return isStatistics(source) ? validateStatistics(source, argument) : statisticsOfFeatures(source, argument);
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[row + k]!;
      if (aik === 0) continue;
      const rowK = k * n;
      for (let j = 0; j < n; j++) out[row + j]! += aik * b[rowK + j]!;
    }
  }
  return out;
}

function frobenius(a: Float64Array): number {
  return Math.sqrt(a.reduce((sum, value) => sum + value * value, 0));
}

/**
 * The symmetric PSD square root V sqrt(max(L, 0)) V^T of a symmetric PSD matrix, with the sum of
 * the roots and the relative residual |R R - A| / |A| (R R = V max(L, 0) V^T).
 */
function symmetricSqrt(matrix: Float64Array, n: number): { root: Float64Array; traceOfRoot: number; residual: number } {
  const { values, vectors } = symmetricEigen(matrix, n);
  const roots = values.map((value) => Math.sqrt(Math.max(value, 0)));
  const root = new Float64Array(n * n);
  const square = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sumRoot = 0;
      let sumSquare = 0;
      for (let k = 0; k < n; k++) {
        const product = vectors[i * n + k]! * vectors[j * n + k]!;
        sumRoot += product * roots[k]!;
        sumSquare += product * roots[k]! * roots[k]!;
      }
      root[i * n + j] = root[j * n + i] = sumRoot;
      square[i * n + j] = square[j * n + i] = sumSquare;
    }
  }
  const scale = frobenius(matrix);
  const residual = scale === 0 ? 0 : frobenius(square.map((value, index) => value - matrix[index]!)) / scale;
  return { root, traceOfRoot: roots.reduce((sum, value) => sum + value, 0), residual };
}

/**
 * The Fréchet distance between Gaussians fitted to two feature sets (Dowson & Landau 1982), the
 * FID of Heusel et al. 2017 when the features are Inception-v3 pool3 activations, and "FID-MNIST"
 * with `loadMnistClassifier()`'s features:
 * d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2)).
 * The trace of (S1 S2)^(1/2) is the sum of the square roots of the eigenvalues of the symmetric PSD
 * matrix S1^(1/2) S2 S1^(1/2) (same eigenvalues as S1 S2), so there is no complex part to discard
 * and singular covariances (fewer samples than dimensions) are handled exactly; both symmetric
 * eigendecompositions run in float64 and are checked by their residual.
 *
 * @example
 * ```ts
 * import { extractFeatures, frechetDistance } from '@ganforge/metrics';
 * import { loadMnistClassifier, mnistClassifierLayers } from '@ganforge/metrics/node';
 *
 * const classifier = await loadMnistClassifier();
 * const real = await extractFeatures(classifier, realImages, { layer: mnistClassifierLayers.features });
 * const fake = await extractFeatures(classifier, generatedImages, { layer: mnistClassifierLayers.features });
 * const { distance } = await frechetDistance(real, fake); // FID-MNIST
 * ```
 */
export async function frechetDistance(a: FeatureSource, b: FeatureSource): Promise<FrechetDistanceResult> {
  const first = await statisticsOf(a, 'a');
  const second = await statisticsOf(b, 'b');
  if (first.dimension !== second.dimension) {
    throw new InvalidArgumentError(
      'b',
      `features of dimension ${first.dimension} (as a)`,
      describedAs(`dimension ${second.dimension}`),
    );
  }
  const n = first.dimension;
  let meanTerm = 0;
  for (let i = 0; i < n; i++) meanTerm += (first.mean[i]! - second.mean[i]!) ** 2;
  let traces = 0;
  for (let i = 0; i < n; i++) traces += first.covariance[i * n + i]! + second.covariance[i * n + i]!;

  const sqrtFirst = symmetricSqrt(first.covariance, n);
  const middle = multiply(multiply(sqrtFirst.root, second.covariance, n), sqrtFirst.root, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const value = (middle[i * n + j]! + middle[j * n + i]!) / 2;
      middle[i * n + j] = middle[j * n + i] = value;
    }
  }
  const sqrtMiddle = symmetricSqrt(middle, n);
  const sqrtResidual = Math.max(sqrtFirst.residual, sqrtMiddle.residual);
  if (!(sqrtResidual <= maximumSqrtResidual)) {
    throw new NumericalPrecisionError(
      `frechetDistance: the matrix square root has a relative residual of ${sqrtResidual.toExponential(2)} ` +
        `(at most ${maximumSqrtResidual} expected). Check the features for huge or NaN values, or rescale them.`,
    );
  }
  const covarianceTerm = traces - 2 * sqrtMiddle.traceOfRoot;
  return { distance: meanTerm + covarianceTerm, meanTerm, covarianceTerm, sqrtResidual };
}
