import type * as tf from '@tensorflow/tfjs';

/**
 * An adversarial objective as two small functions of the discriminator's raw outputs (logits),
 * in the style of TF-GAN's losses. Both return a scalar to *minimise*.
 */
export interface AdversarialLoss {
  /** Stable identifier, stored in checkpoints (`'non-saturating'`, `'hinge'`, ...). */
  readonly name: string;
  /** The options the loss was made with, so that a checkpoint records them. */
  readonly config: Readonly<Record<string, number>>;
  /** Loss of the discriminator given its outputs on real and on generated samples. */
  discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar;
  /** Loss of the generator given the discriminator's outputs on generated samples. */
  generator(fakeLogits: tf.Tensor, realLogits?: tf.Tensor): tf.Scalar;
}
