import * as tf from '@tensorflow/tfjs';

import { assertIsTensor } from '../tensor-checks.js';
import type { AdversarialLoss } from './adversarial-loss.js';

/**
 * Least-squares GAN loss (Mao et al. 2017, eq. 2 with a = 0, b = c = 1):
 * D minimises 1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2], G minimises 1/2 E[(D(G(z)) - 1)^2].
 * The discriminator's output is used as is (no sigmoid).
 */
export function leastSquaresLoss(): AdversarialLoss {
  return {
    name: 'least-squares',
    config: {},
    discriminator(realLogits, fakeLogits) {
      assertIsTensor(realLogits, 'realLogits');
      assertIsTensor(fakeLogits, 'fakeLogits');
      return tf.tidy(() => {
        const realTerm = tf.square(realLogits.sub(1)).mean();
        const fakeTerm = tf.square(fakeLogits).mean();
        return realTerm.add(fakeTerm).mul(0.5) as tf.Scalar;
      });
    },
    generator(fakeLogits) {
      assertIsTensor(fakeLogits, 'fakeLogits');
      return tf.tidy(() => tf.square(fakeLogits.sub(1)).mean().mul(0.5) as tf.Scalar);
    },
  };
}
