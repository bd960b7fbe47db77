import type * as tf from '@tensorflow/tfjs';

/** What a regularizer sees during a discriminator step. */
export interface RegularizerContext {
  /** The real batch. */
  readonly real: tf.Tensor;
  /** The generated batch (no gradient flows into the generator). */
  readonly fake: tf.Tensor;
  /** The discriminator with the batch's condition bound: images -> logits. */
  discriminate(images: tf.Tensor): tf.Tensor;
  /** A seed for any randomness, derived from the trainer's seed and step. */
  readonly seed: number;
}

/** A penalty added to the discriminator's loss (gradient penalty, R1, ...). */
export interface DiscriminatorRegularizer {
  readonly name: string;
  readonly config: Readonly<Record<string, number>>;
  penalty(context: RegularizerContext): tf.Scalar;
  /**
   * Called by `AdversarialTrainer` when it is constructed, with its discriminator: throws (a
   * `GanForgeError`) when the penalty cannot be computed correctly through that model, e.g. a layer
   * whose second-order gradient tfjs gets wrong (`UnsupportedPenaltyLayerError`).
   */
  checkDiscriminator?(discriminator: tf.LayersModel): void;
}
