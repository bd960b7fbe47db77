import * as tf from '@tensorflow/tfjs';

import { assertIsTensor } from '../tensor-checks.js';
import type { AdversarialLoss } from './adversarial-loss.js';

/**
 * Wasserstein GAN loss (Arjovsky et al. 2017, eq. 3): the critic minimises E[D(G(z))] - E[D(x)],
 * the generator minimises -E[D(G(z))]. Pair it with {@link gradientPenalty} (Gulrajani et al. 2017).
 */
export function wassersteinLoss(): AdversarialLoss {
  return {
    name: 'wasserstein',
    config: {},
    discriminator(realLogits, fakeLogits) {
      assertIsTensor(realLogits, 'realLogits');
      assertIsTensor(fakeLogits, 'fakeLogits');
      return tf.tidy(() => fakeLogits.mean().sub(realLogits.mean()) as tf.Scalar);
    },
    generator(fakeLogits) {
      assertIsTensor(fakeLogits, 'fakeLogits');
      return tf.tidy(() => fakeLogits.mean().neg() as tf.Scalar);
    },
  };
}
