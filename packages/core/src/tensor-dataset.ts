import * as tf from '@tensorflow/tfjs';

import type { BatchOptions, Dataset, TrainingBatch } from './dataset.js';
import { InvalidArgumentError, ShapeMismatchError } from './errors.js';
import { shuffledIndices } from './seeds.js';
import { assertInteger, assertIsTensor } from './tensor-checks.js';

export interface TensorDatasetOptions {
  /** Real samples, first axis = examples (images [N, H, W, C] in [-1, 1]). */
  readonly real: tf.Tensor;
  /** Optional per-example conditions [N, ...] (one-hot labels, embeddings). */
  readonly condition?: tf.Tensor;
  /** Optional per-example generator inputs [N, ...] (low-resolution images). */
  readonly input?: tf.Tensor;
  /** Drop the last batch of a pass when it is smaller than batchSize (keeps batch statistics stable). Default true. */
  readonly dropRemainder?: boolean;
}

/**
 * A data set held in memory as tensors, shuffled per pass with the pass's seed.
 *
 * @example
 * ```ts
 * const data = new TensorDataset({ real: images, condition: oneHotLabels });
 * for await (const batch of data.batches(64, { seed: 1 })) { ...; tf.dispose([batch.real, batch.condition!]); }
 * ```
 */
export class TensorDataset implements Dataset<TrainingBatch> {
  readonly size: number;
  readonly #real: tf.Tensor;
  readonly #condition: tf.Tensor | undefined;
  readonly #input: tf.Tensor | undefined;
  readonly #dropRemainder: boolean;

  constructor(options: TensorDatasetOptions) {
    assertIsTensor(options?.real, 'options.real');
    this.size = options.real.shape[0] ?? 0;
    if (options.real.rank < 1 || this.size < 1) {
      throw new ShapeMismatchError('options.real', '[N >= 1, ...]', options.real.shape);
    }
    for (const key of ['condition', 'input'] as const) {
      const tensor = options[key];
      if (tensor === undefined) continue;
      assertIsTensor(tensor, `options.${key}`);
      if (tensor.shape[0] !== this.size) {
        throw new ShapeMismatchError(
          `options.${key}`,
          `[${this.size}, ...] (one row per example of options.real)`,
          tensor.shape,
        );
      }
    }
    // Clones share storage with the caller's tensors; they keep it alive until dispose().
    this.#real = tf.clone(options.real);
    this.#condition = options.condition ? tf.clone(options.condition) : undefined;
    this.#input = options.input ? tf.clone(options.input) : undefined;
    this.#dropRemainder = options.dropRemainder ?? true;
  }

  async *batches(batchSize: number, options: BatchOptions): AsyncGenerator<TrainingBatch> {
    assertInteger(batchSize, 1, this.#dropRemainder ? this.size : Number.MAX_SAFE_INTEGER, 'batchSize');
    if (typeof options?.seed !== 'number') throw new InvalidArgumentError('options.seed', 'a number', options?.seed);
    const order = shuffledIndices(this.size, options.seed);
    const end = this.#dropRemainder ? this.size - (this.size % batchSize) : this.size;
    for (let start = 0; start < end; start += batchSize) {
      if (options.signal?.aborted) return;
      const rows = order.subarray(start, Math.min(start + batchSize, end));
      yield tf.tidy(() => {
        const indices = tf.tensor1d(rows, 'int32');
        return {
          real: tf.gather(this.#real, indices),
          ...(this.#condition ? { condition: tf.gather(this.#condition, indices) } : {}),
          ...(this.#input ? { input: tf.gather(this.#input, indices) } : {}),
        };
      });
    }
  }

  dispose(): void {
    tf.dispose([this.#real, this.#condition, this.#input].filter((t): t is tf.Tensor => t !== undefined));
  }
}
