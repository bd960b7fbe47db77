import * as tf from '@tensorflow/tfjs';

import { assertNumberInRange } from '../tensor-checks.js';
import type { DiscriminatorRegularizer } from './discriminator-regularizer.js';
import { assertPenaltySupportsModel, readAllowLayers } from './penalty-layer-support.js';
import { perSampleSquaredGradientNorm } from './per-sample-gradient-norm.js';

/** Options of {@link r1Penalty}. */
export interface R1PenaltyOptions {
  /** gamma, >= 0. Default 10. */
  readonly gamma?: number;
  /**
   * Class names (`layer.getClassName()`) of layers of your own that you have checked to be twice
   * differentiable in tfjs; they are accepted without GANForge's check. Default none.
   */
  readonly allowLayers?: readonly string[];
}

/**
 * R1 regularization (Mescheder et al. 2018, eq. 9): gamma / 2 * E[||grad D(x)||^2] on real data.
 *
 * Its gradient is a second-order gradient: the same layers and activations are supported and refused
 * as for {@link gradientPenalty} (see there); `AdversarialTrainer` refuses a discriminator with any
 * other layer with an `UnsupportedPenaltyLayerError` that names it.
 *
 * @throws InvalidArgumentError when `gamma` is negative or not a number, or `allowLayers` is not an
 * array of names.
 * @example
 * ```ts
 * new AdversarialTrainer({ generator, discriminator, regularizers: [r1Penalty({ gamma: 10 })], noise: { dim: 100 } });
 * ```
 */
export function r1Penalty(options: R1PenaltyOptions = {}): DiscriminatorRegularizer {
  const gamma = options.gamma ?? 10;
  assertNumberInRange(gamma, 0, Number.MAX_VALUE, 'options.gamma');
  const allowLayers = readAllowLayers(options.allowLayers, 'options.allowLayers');
  return {
    name: 'r1',
    config: { gamma },
    checkDiscriminator(discriminator) {
      assertPenaltySupportsModel(discriminator, 'r1Penalty', allowLayers);
    },
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
