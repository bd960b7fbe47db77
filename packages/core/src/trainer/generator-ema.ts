import * as tf from '@tensorflow/tfjs';

import { assertNumberInRange } from '../tensor-checks.js';

/**
 * Exponential moving average of a generator's weights (Karras et al. 2018, sec. 4; Yazici et al.
 * 2019), kept as shadow variables. Trainable weights are averaged; non-trainable ones (BN moving
 * statistics) are copied. `withAverageWeights` swaps the average in for the duration of a call.
 * With `warmup`, the decay at update t is min(decay, (1 + t) / (10 + t)), as TensorFlow's
 * ExponentialMovingAverage does with num_updates, so early averages are not dominated by the
 * random initial weights.
 */
export class GeneratorEma {
  readonly decay: number;
  readonly warmup: boolean;
  readonly #weights: readonly tf.LayerVariable[];
  readonly #shadows: tf.Variable[];

  constructor(generator: tf.LayersModel, decay: number, warmup = true) {
    assertNumberInRange(decay, 0, 1, 'ema.decay');
    this.decay = decay;
    this.warmup = warmup;
    this.#weights = generator.weights;
    this.#shadows = generator.weights.map((weight) => tf.variable(weight.read(), false));
  }

  /** Folds the current weights into the average; `updates` counts earlier updates (the step). */
  update(updates: number): void {
    const decay = this.warmup ? Math.min(this.decay, (1 + updates) / (10 + updates)) : this.decay;
    tf.tidy(() => {
      this.#weights.forEach((weight, index) => {
        const shadow = this.#shadows[index]!;
        const current = weight.read();
        shadow.assign(weight.trainable ? shadow.mul(decay).add(current.mul(1 - decay)) : current);
      });
    });
  }

  /** The averaged weights, in `generator.weights` order. */
  get shadows(): readonly tf.Variable[] {
    return this.#shadows;
  }

  /** Overwrites the averaged weights (when restoring a checkpoint). */
  assign(values: readonly tf.Tensor[]): void {
    values.forEach((value, index) => this.#shadows[index]!.assign(value));
  }

  /** Runs `fn` with the averaged weights loaded into the generator, then puts the trained weights back. */
  withAverageWeights<T>(fn: () => T): T {
    const trained = this.#weights.map((weight) => tf.clone(weight.read()));
    try {
      this.#weights.forEach((weight, index) => weight.write(this.#shadows[index]!));
      return fn();
    } finally {
      this.#weights.forEach((weight, index) => weight.write(trained[index]!));
      tf.dispose(trained);
    }
  }

  dispose(): void {
    tf.dispose(this.#shadows);
  }
}
