import * as tf from '@tensorflow/tfjs';

import { assertInteger, assertIsTensor, describedAs, InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

/** Goodfellow et al.'s `parzen_ll.py` grid: 10 values of sigma, log-spaced from 0.1 to 1 (`numpy.logspace(-1, 0, 10)`). */
export const defaultParzenSigmas: readonly number[] = Array.from({ length: 10 }, (_, k) => 10 ** (-1 + k / 9));

export interface ParzenOptions {
  /**
   * Held-out points for choosing sigma: the sigma of `sigmas` with the highest mean log-likelihood of
   * `validation` is used for `test` (the protocol of Goodfellow et al. 2014 and Denton et al. 2015).
   * Required unless `sigma` is given.
   */
  readonly validation?: tf.Tensor;
  /** The grid searched on `validation`. Default {@link defaultParzenSigmas} (0.1 to 1, log-spaced). */
  readonly sigmas?: readonly number[];
  /** A fixed sigma instead of the search; then `validation` and `sigmas` must be left out. */
  readonly sigma?: number;
  /** Test (and validation) points per batch; each batch is compared with every sample at once. Default 100. */
  readonly batchSize?: number;
  /** Called after each batch. */
  readonly onProgress?: (progress: ParzenProgress) => void;
  /** Stops between batches with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface ParzenProgress {
  readonly phase: 'validation' | 'test';
  /** Points of this phase done so far, and their total. */
  readonly done: number;
  readonly total: number;
}

export interface ParzenResult {
  /** Mean log-likelihood of the test points, in nats. */
  readonly mean: number;
  /** Standard error of the mean: the (population) standard deviation over sqrt(n), as `parzen_ll.py` reports it. */
  readonly stdErr: number;
  /** The sigma used. */
  readonly sigma: number;
  /** Mean validation log-likelihood for every sigma tried (empty when `sigma` was given). */
  readonly validation: readonly { readonly sigma: number; readonly mean: number }[];
  /** Number of test points and of samples, and the dimension. */
  readonly testCount: number;
  readonly sampleCount: number;
  readonly dimension: number;
}

function flatten(tensor: tf.Tensor, argument: string, dimension?: number): tf.Tensor2D {
  assertIsTensor(tensor, argument);
  if (tensor.rank < 2 || tensor.shape[0] === 0) {
    throw new ShapeMismatchError(argument, '[count >= 1, ...point shape]', tensor.shape, 'Pass one point per row.');
  }
  const [count] = tensor.shape as [number];
  const size = tensor.size / count;
  if (dimension !== undefined && size !== dimension) {
    throw new ShapeMismatchError(
      argument,
      `[count, ...] with ${dimension} values per point (as samples)`,
      tensor.shape,
      'Samples, validation and test points must have the same shape.',
    );
  }
  return tf.tidy(() => tensor.reshape([count, size]).toFloat()) as tf.Tensor2D;
}

function validateSigma(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(argument, 'a positive finite number', value);
  }
  return value;
}

/**
 * Per-point log-likelihoods under the Parzen window of `samples`, for several sigmas at once:
 * log p(x) = log mean_i exp(-|x - mu_i|^2 / (2 sigma^2)) - D log(sigma sqrt(2 pi)). The squared
 * distances are computed once per batch (sigma-independent) on the backend; the log-mean-exp runs in
 * float64 with the row maximum subtracted, so points far from every sample stay finite.
 */
async function logLikelihoods(
  samples: tf.Tensor2D,
  sampleNorms: tf.Tensor2D,
  points: tf.Tensor2D,
  sigmas: readonly number[],
  batchSize: number,
  report: (done: number) => void,
  signal: AbortSignal | undefined,
): Promise<Float64Array[]> {
  const [count, dimension] = points.shape;
  const sampleCount = samples.shape[0];
  const results = sigmas.map(() => new Float64Array(count));
  const normalizers = sigmas.map((sigma) => dimension * Math.log(sigma * Math.sqrt(2 * Math.PI)));
  const scales = sigmas.map((sigma) => -1 / (2 * sigma * sigma));
  for (let start = 0; start < count; start += batchSize) {
    signal?.throwIfAborted();
    const size = Math.min(batchSize, count - start);
    const distances = tf.tidy(() => {
      const batch = points.slice([start, 0], [size, dimension]);
      const batchNorms = batch.square().sum(1, true);
      // |x - mu|^2 = |x|^2 + |mu|^2 - 2 x.mu, clamped at 0 against rounding.
      return batchNorms
        .add(sampleNorms)
        .sub(batch.matMul(samples, false, true).mul(2))
        .relu();
    });
    const values = await distances.data();
    distances.dispose();
    for (let row = 0; row < size; row++) {
      const offset = row * sampleCount;
      let smallest = Infinity;
      for (let j = 0; j < sampleCount; j++) smallest = Math.min(smallest, values[offset + j]!);
      sigmas.forEach((_, s) => {
        const scale = scales[s]!;
        // The largest exponent belongs to the nearest sample; subtracting it keeps exp() in range.
        const largest = scale * smallest;
        let sum = 0;
        for (let j = 0; j < sampleCount; j++) sum += Math.exp(scale * values[offset + j]! - largest);
        results[s]![start + row] = largest + Math.log(sum / sampleCount) - normalizers[s]!;
      });
    }
    report(start + size);
  }
  return results;
}

function meanAndStdErr(values: Float64Array): { mean: number; stdErr: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, stdErr: Math.sqrt(variance) / Math.sqrt(values.length) };
}

/**
 * The Gaussian Parzen-window log-likelihood of `test` under `samples` (Breuleux et al. 2011), as
 * Goodfellow et al. 2014 (Table 1) and Denton et al. 2015 report it: sigma is the value of a grid
 * with the best mean log-likelihood on a validation set, and the result is the mean test
 * log-likelihood in nats with its standard error. Points are rows (any shape per point, flattened);
 * the number depends on their scale: the papers use pixels in [0, 1] (MNIST: 10,000 samples, sigma
 * from 1,000 validation images, the 10,000 test images).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { parzenLogLikelihood } from '@ganforge/metrics';
 *
 * const samples = tf.randomUniform([1000, 784], 0, 1, 'float32', 1); // generated, in [0, 1]
 * const validation = tf.randomUniform([100, 784], 0, 1, 'float32', 2);
 * const test = tf.randomUniform([200, 784], 0, 1, 'float32', 3);
 * const { mean, stdErr, sigma } = await parzenLogLikelihood(samples, test, { validation });
 * console.log(`${mean.toFixed(1)} +- ${stdErr.toFixed(1)} nats (sigma ${sigma.toFixed(3)})`);
 * ```
 */
export async function parzenLogLikelihood(
  samples: tf.Tensor,
  test: tf.Tensor,
  options: ParzenOptions = {},
): Promise<ParzenResult> {
  const batchSize = options.batchSize ?? 100;
  assertInteger(batchSize, 1, Number.MAX_SAFE_INTEGER, 'options.batchSize');
  let sigmas: readonly number[];
  if (options.sigma !== undefined) {
    sigmas = [validateSigma(options.sigma, 'options.sigma')];
    // A fixed sigma skips the search: a validation set or grid given with it would be ignored.
    for (const ignored of ['validation', 'sigmas'] as const) {
      if (options[ignored] !== undefined) {
        throw new InvalidArgumentError(
          `options.${ignored}`,
          'no value with options.sigma (a fixed sigma skips the search on the validation set)',
          describedAs(`options.${ignored} with sigma ${options.sigma}`),
          `Leave out options.sigma to choose sigma on options.validation, or leave out options.${ignored}.`,
        );
      }
    }
  } else {
    sigmas = options.sigmas ?? defaultParzenSigmas;
    if (!Array.isArray(sigmas) || sigmas.length === 0) {
      throw new InvalidArgumentError('options.sigmas', 'a non-empty array of positive numbers', sigmas);
    }
    sigmas.forEach((sigma, index) => validateSigma(sigma, `options.sigmas[${index}]`));
    if (options.validation === undefined) {
      throw new InvalidArgumentError(
        'options.validation',
        'held-out points to choose sigma on (or options.sigma)',
        undefined,
        'Choosing sigma on the test set would overstate the log-likelihood.',
      );
    }
  }

  const tensors: tf.Tensor[] = [];
  try {
    const flatSamples = flatten(samples, 'samples');
    tensors.push(flatSamples);
    const [sampleCount, dimension] = flatSamples.shape;
    const flatTest = flatten(test, 'test', dimension);
    tensors.push(flatTest);
    const flatValidation =
      options.sigma === undefined ? flatten(options.validation!, 'options.validation', dimension) : undefined;
    if (flatValidation) tensors.push(flatValidation);
    for (const [tensor, argument] of [
      [flatSamples, 'samples'],
      [flatTest, 'test'],
      [flatValidation, 'options.validation'],
    ] as const) {
      if (!tensor) continue;
      // Read asynchronously: WebGPU in Node cannot read a tensor synchronously.
      const allFinite = tf.tidy(() => tf.all(tf.isFinite(tensor)));
      const finite = (await allFinite.data())[0];
      allFinite.dispose();
      if (!finite) throw new InvalidArgumentError(argument, 'finite values', describedAs('NaN or infinite values'));
    }
    const sampleNorms = tf.tidy(() => flatSamples.square().sum(1).reshape([1, sampleCount])) as tf.Tensor2D;
    tensors.push(sampleNorms);

    let sigma = sigmas[0]!;
    let validation: { sigma: number; mean: number }[] = [];
    if (flatValidation) {
      const total = flatValidation.shape[0];
      const perSigma = await logLikelihoods(
        flatSamples,
        sampleNorms,
        flatValidation,
        sigmas,
        batchSize,
        (done) => options.onProgress?.({ phase: 'validation', done, total }),
        options.signal,
      );
      validation = sigmas.map((value, s) => ({ sigma: value, mean: meanAndStdErr(perSigma[s]!).mean }));
      sigma = validation.reduce((best, entry) => (entry.mean > best.mean ? entry : best)).sigma;
    }
    const total = flatTest.shape[0];
    const [testValues] = await logLikelihoods(
      flatSamples,
      sampleNorms,
      flatTest,
      [sigma],
      batchSize,
      (done) => options.onProgress?.({ phase: 'test', done, total }),
      options.signal,
    );
    const { mean, stdErr } = meanAndStdErr(testValues!);
    return { mean, stdErr, sigma, validation, testCount: total, sampleCount, dimension };
  } finally {
    tf.dispose(tensors);
  }
}
