import type * as tf from '@tensorflow/tfjs';

/** Options the trainer passes when it asks a data set for one pass over its examples. */
export interface BatchOptions {
  /** Seed of this pass's shuffle. The same seed must give the same batches in the same order. */
  readonly seed: number;
  readonly signal?: AbortSignal;
}

/**
 * A source of batches. Each call of `batches` is one pass (epoch). The batches it yields belong
 * to the caller, which disposes their tensors.
 */
export interface Dataset<B> {
  /** Number of examples, when known. */
  readonly size?: number;
  batches(batchSize: number, options: BatchOptions): AsyncIterable<B>;
}

/**
 * What the {@link AdversarialTrainer} reads from a batch.
 * - `real`: real samples for the discriminator, e.g. images [B, H, W, C] in [-1, 1].
 * - `condition`: an optional condition for G and D (one-hot class, text embedding, coarser image).
 * - `input`: an optional generator input that replaces noise (SRGAN's low-resolution image).
 * - `mismatchedCondition`: conditions that do *not* describe `real` (GAN-CLS's wrong text); when
 *   absent, a matching-aware objective rolls `condition` by one position in the batch.
 */
export interface TrainingBatch {
  readonly real: tf.Tensor;
  readonly condition?: tf.Tensor;
  readonly input?: tf.Tensor;
  readonly mismatchedCondition?: tf.Tensor;
}
