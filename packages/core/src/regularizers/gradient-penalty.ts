import * as tf from '@tensorflow/tfjs';

import { assertNumberInRange } from '../tensor-checks.js';
import type { DiscriminatorRegularizer } from './discriminator-regularizer.js';
import { assertPenaltySupportsModel, readAllowLayers } from './penalty-layer-support.js';
import { perSampleSquaredGradientNorm } from './per-sample-gradient-norm.js';

/** Options of {@link gradientPenalty}. */
export interface GradientPenaltyOptions {
  /** lambda, >= 0. Default 10 (Gulrajani et al. 2017, sec. 4). */
  readonly weight?: number;
  /**
   * Class names (`layer.getClassName()`) of layers of your own that you have checked to be twice
   * differentiable in tfjs; they are accepted without GANForge's check. Default none.
   */
  readonly allowLayers?: readonly string[];
}

/**
 * WGAN-GP gradient penalty (Gulrajani et al. 2017, eq. 3): weight * E[(||grad D(x_hat)||_2 - 1)^2]
 * at x_hat = eps x + (1 - eps) G(z), eps ~ U[0, 1] per sample. The paper uses weight 10 and a
 * critic without batch normalization (sec. 4).
 *
 * The penalty's own gradient is a second-order gradient (double backprop), which tfjs-core 4.22 gets
 * wrong or cannot compute for some layers; `registerMissingGradients()` (run on import) fixes what can
 * be fixed, and `AdversarialTrainer` calls `checkDiscriminator` so that a discriminator with any other
 * layer is refused with an `UnsupportedPenaltyLayerError` naming it.
 *
 * Supported, each checked against float64 finite differences on `cpu` and `wasm`: dense, conv2d,
 * conv2dTranspose, depthwiseConv2d and separableConv2d (undilated, any stride and padding, with or
 * without bias), activation, reLU, leakyReLU, prelu, elu, thresholdedReLU, softmax,
 * batchNormalization, layerNormalization, averagePooling2d, globalAveragePooling2d, upSampling2d
 * (nearest), zeroPadding2d, dropout, flatten, reshape, repeatVector, concatenate, add, GANForge's
 * PixelShuffle, and nested models of these; activations linear, relu, relu6, elu, selu, sigmoid,
 * hardSigmoid, softplus, softsign, tanh, softmax, gelu, gelu_new, mish, swish. Refused: logSoftmax,
 * max pooling, dilated convolutions, bilinear upSampling2d, and every layer not listed (use
 * `allowLayers` for your own). With batchNormalization in training mode the samples of a batch
 * interact, so the "per-sample" gradient is that of the batch's summed output, not of D(x_i) alone
 * (the reason the paper's critic has none).
 *
 * @throws InvalidArgumentError when `weight` is negative or not a number, or `allowLayers` is not an
 * array of names.
 * @example
 * ```ts
 * new AdversarialTrainer({ generator, discriminator, loss: wassersteinLoss(), regularizers: [gradientPenalty({ weight: 10 })], noise: { dim: 100 } });
 * ```
 */
export function gradientPenalty(options: GradientPenaltyOptions = {}): DiscriminatorRegularizer {
  const weight = options.weight ?? 10;
  assertNumberInRange(weight, 0, Number.MAX_VALUE, 'options.weight');
  const allowLayers = readAllowLayers(options.allowLayers, 'options.allowLayers');
  return {
    name: 'gradient-penalty',
    config: { weight },
    checkDiscriminator(discriminator) {
      assertPenaltySupportsModel(discriminator, 'gradientPenalty', allowLayers);
    },
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
