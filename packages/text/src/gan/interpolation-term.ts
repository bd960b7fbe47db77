import * as tf from '@tensorflow/tfjs';

import { assertNumberInRange, type GeneratorTerm, InvalidArgumentError } from '@ganforge/core';

export interface InterpolationTermOptions {
  /** Mixing weight: t = beta * t1 + (1 - beta) * t2. Default 0.5 (Reed et al. 2016, sec. 4.2). */
  readonly beta?: number;
  /** Weight of the term in G's loss. Default 1. */
  readonly weight?: number;
}

/**
 * GAN-INT (Reed et al. 2016, sec. 4.2, eq. 5): the generator is also trained to fool the
 * discriminator on interpolated caption embeddings t = beta * t1 + (1 - beta) * t2. Those embeddings
 * have no real images, so only G sees them. t1 is the batch's condition; t2 is the batch's
 * `mismatchedCondition` when the data set gives one, else the conditions rolled by one position. The
 * noise is the step's noise rolled by one position, so each interpolated caption gets another z than
 * the plain fake beside it. D scores the image together with the interpolated embedding.
 *
 * @example
 * ```ts
 * const trainer = new AdversarialTrainer({ ...models, noise: { dim: 100 }, generatorTerms: [interpolationTerm()] });
 * ```
 */
export function interpolationTerm(options: InterpolationTermOptions = {}): GeneratorTerm {
  const beta = options.beta ?? 0.5;
  const weight = options.weight ?? 1;
  assertNumberInRange(beta, 0, 1, 'options.beta');
  assertNumberInRange(weight, 0, Number.MAX_VALUE, 'options.weight');
  return {
    name: 'interpolation',
    weight,
    compute(context) {
      const first = context.batch.condition;
      if (first === undefined) {
        throw new InvalidArgumentError(
          'batch.condition',
          'caption embeddings, because GAN-INT interpolates them',
          undefined,
        );
      }
      const second = context.batch.mismatchedCondition ?? rollRows(first);
      const mixed = tf.add(tf.mul(first, beta), tf.mul(second, 1 - beta));
      const noise = context.noise === undefined ? undefined : rollRows(context.noise);
      const fake = context.generate({ noise, condition: mixed });
      return context.loss.generator(context.discriminate(fake, mixed));
    },
  };
}

/** Rows shifted by one position (row i takes row i + 1, the last takes the first). */
export function rollRows(tensor: tf.Tensor): tf.Tensor {
  const rows = tensor.shape[0]!;
  if (rows < 2) return tensor;
  return tf.concat([tensor.slice(1, rows - 1), tensor.slice(0, 1)]);
}
