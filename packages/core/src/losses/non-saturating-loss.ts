import * as tf from '@tensorflow/tfjs';

import { assertIsTensor } from '../tensor-checks.js';
import type { AdversarialLoss } from './adversarial-loss.js';
import { type CrossEntropyLossOptions, realTargetFrom } from './label-smoothing.js';
import { meanSigmoidCrossEntropy } from './sigmoid-cross-entropy.js';

/**
 * The non-saturating GAN loss (Goodfellow et al. 2014, sec. 3): D as in the minimax game,
 * G maximises log D(G(z)) instead of minimising log(1 - D(G(z))), which gives strong gradients
 * early in training. The default loss of {@link AdversarialTrainer}.
 *
 * @example
 * ```ts
 * const trainer = new AdversarialTrainer({ generator, discriminator, loss: nonSaturatingLoss({ labelSmoothing: 0.1 }), noise: { dim: 100 } });
 * ```
 */
export function nonSaturatingLoss(options?: CrossEntropyLossOptions): AdversarialLoss {
  const realTarget = realTargetFrom(options);
  return {
    name: 'non-saturating',
    config: { labelSmoothing: 1 - realTarget },
    discriminator(realLogits, fakeLogits) {
      assertIsTensor(realLogits, 'realLogits');
      assertIsTensor(fakeLogits, 'fakeLogits');
      return tf.tidy(() => meanSigmoidCrossEntropy(realLogits, realTarget).add(meanSigmoidCrossEntropy(fakeLogits, 0)));
    },
    generator(fakeLogits) {
      assertIsTensor(fakeLogits, 'fakeLogits');
      return meanSigmoidCrossEntropy(fakeLogits, 1);
    },
  };
}
