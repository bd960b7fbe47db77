import * as tf from '@tensorflow/tfjs';

import { assertIsTensor } from '../tensor-checks.js';
import type { AdversarialLoss } from './adversarial-loss.js';

/**
 * Hinge loss (Lim & Ye 2017; Miyato et al. 2018, eq. 16-17): D minimises
 * E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))], G minimises -E[D(G(z))].
 */
export function hingeLoss(): AdversarialLoss {
  return {
    name: 'hinge',
    config: {},
    discriminator(realLogits, fakeLogits) {
      assertIsTensor(realLogits, 'realLogits');
      assertIsTensor(fakeLogits, 'fakeLogits');
      return tf.tidy(() => {
        const realTerm = tf.relu(tf.sub(1, realLogits)).mean();
        const fakeTerm = tf.relu(tf.add(1, fakeLogits)).mean();
        return realTerm.add(fakeTerm) as tf.Scalar;
      });
    },
    generator(fakeLogits) {
      assertIsTensor(fakeLogits, 'fakeLogits');
      return tf.tidy(() => fakeLogits.mean().neg() as tf.Scalar);
    },
  };
}
