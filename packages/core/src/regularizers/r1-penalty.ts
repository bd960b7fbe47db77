import * as tf from '@tensorflow/tfjs';

import { assertNumberInRange } from '../tensor-checks.js';
import type { DiscriminatorRegularizer } from './discriminator-regularizer.js';
import { perSampleSquaredGradientNorm } from './per-sample-gradient-norm.js';

/**
 * R1 regularization (Mescheder et al. 2018, eq. 9): gamma / 2 * E[||grad D(x)||^2] on real data.
 *
 * @example
 * ```ts
 * new AdversarialTrainer({ generator, discriminator, regularizers: [r1Penalty({ gamma: 10 })], noise: { dim: 100 } });
 * ```
 */
export function r1Penalty(options: { gamma?: number } = {}): DiscriminatorRegularizer {
  const gamma = options.gamma ?? 10;
  assertNumberInRange(gamma, 0, Number.MAX_VALUE, 'options.gamma');
  return {
    name: 'r1',
    config: { gamma },
    penalty({ real, discriminate }) {
      return tf.tidy(
        () =>
          perSampleSquaredGradientNorm(discriminate, real)
            .mean()
            .mul(gamma / 2) as tf.Scalar,
      );
    },
  };
}
