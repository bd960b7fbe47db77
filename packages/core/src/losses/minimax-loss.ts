import * as tf from '@tensorflow/tfjs';

import { assertIsTensor } from '../tensor-checks.js';
import type { AdversarialLoss } from './adversarial-loss.js';
import { type CrossEntropyLossOptions, realTargetFrom } from './label-smoothing.js';
import { meanSigmoidCrossEntropy } from './sigmoid-cross-entropy.js';

/**
 * The original minimax GAN objective (Goodfellow et al. 2014, eq. 1): D minimises
 * -log D(x) - log(1 - D(G(z))), G minimises log(1 - D(G(z))). G's gradient vanishes when D wins,
 * which is why {@link nonSaturatingLoss} is the usual choice.
 *
 * @example
 * ```ts
 * const loss = minimaxLoss();
 * const dLoss = loss.discriminator(tf.tensor1d([2]), tf.tensor1d([-1]));
 * ```
 */
export function minimaxLoss(options?: CrossEntropyLossOptions): AdversarialLoss {
  const realTarget = realTargetFrom(options);
  return {
    name: 'minimax',
    config: { labelSmoothing: 1 - realTarget },
    discriminator(realLogits, fakeLogits) {
      assertIsTensor(realLogits, 'realLogits');
      assertIsTensor(fakeLogits, 'fakeLogits');
      return tf.tidy(() => meanSigmoidCrossEntropy(realLogits, realTarget).add(meanSigmoidCrossEntropy(fakeLogits, 0)));
    },
    generator(fakeLogits) {
      assertIsTensor(fakeLogits, 'fakeLogits');
      // log(1 - sigmoid(x)) = -softplus(x)
      return tf.tidy(() => tf.softplus(fakeLogits).mean().neg() as tf.Scalar);
    },
  };
}
