import * as tf from '@tensorflow/tfjs';

import { assertNumberInRange } from '../tensor-checks.js';
import type { DiscriminatorRegularizer } from './discriminator-regularizer.js';
import { perSampleSquaredGradientNorm } from './per-sample-gradient-norm.js';

/**
 * WGAN-GP gradient penalty (Gulrajani et al. 2017, eq. 3): weight * E[(||grad D(x_hat)||_2 - 1)^2]
 * at x_hat = eps x + (1 - eps) G(z), eps ~ U[0, 1] per sample. The paper uses weight 10 and a
 * critic without batch normalization (sec. 4).
 *
 * @example
 * ```ts
 * new AdversarialTrainer({ generator, discriminator, loss: wassersteinLoss(), regularizers: [gradientPenalty({ weight: 10 })], noise: { dim: 100 } });
 * ```
 */
export function gradientPenalty(options: { weight?: number } = {}): DiscriminatorRegularizer {
  const weight = options.weight ?? 10;
  assertNumberInRange(weight, 0, Number.MAX_VALUE, 'options.weight');
  return {
    name: 'gradient-penalty',
    config: { weight },
    penalty({ real, fake, discriminate, seed }) {
      return tf.tidy(() => {
        const mixShape = [real.shape[0] ?? 0, ...new Array<number>(real.rank - 1).fill(1)];
        const epsilon = tf.randomUniform(mixShape, 0, 1, 'float32', seed);
        const interpolated = tf.add(fake, tf.mul(epsilon, tf.sub(real, fake)));
        // The small constant keeps sqrt differentiable where the gradient is exactly zero.
        const norms = tf.sqrt(perSampleSquaredGradientNorm(discriminate, interpolated).add(1e-12));
        return tf.square(norms.sub(1)).mean().mul(weight) as tf.Scalar;
      });
    },
  };
}
