import * as tf from '@tensorflow/tfjs';

import type { NamedTensor } from '../checkpoint/model-serialization.js';
import { loadOptimizerState, readOptimizerState } from './optimizer-state.js';

/** What a training step changes: model weights (trainable and BatchNorm statistics), EMA weights, optimizers. */
export interface TrainingState {
  readonly variables: readonly tf.Variable[];
  readonly optimizers: readonly tf.Optimizer[];
}

interface OptimizerCopy {
  readonly optimizer: tf.Optimizer;
  readonly iterations: tf.Tensor;
  readonly slots: readonly NamedTensor[];
  readonly adamBetaPowers?: readonly [tf.Tensor, tf.Tensor];
}

/**
 * The training state as it was at {@link TrainingStateSnapshot.capture}, to put back after a step
 * (or a restore) fails half way. Copies are `tf.clone`s: tfjs variables change by `assign`, which
 * points the variable at a new buffer, so a clone keeps the old values. On the cpu, WebGL and WebGPU
 * backends a clone shares the buffer (no copy); the wasm backend copies it. Either way the old
 * buffers live until {@link dispose}: one extra copy of the weights and optimizer slots during a step.
 */
export class TrainingStateSnapshot {
  readonly #state: TrainingState;
  readonly #variables: readonly tf.Tensor[];
  readonly #optimizers: readonly OptimizerCopy[];

  private constructor(state: TrainingState, variables: tf.Tensor[], optimizers: OptimizerCopy[]) {
    this.#state = state;
    this.#variables = variables;
    this.#optimizers = optimizers;
  }

  static async capture(state: TrainingState): Promise<TrainingStateSnapshot> {
    const optimizers: OptimizerCopy[] = [];
    try {
      for (const optimizer of state.optimizers) {
        const current = await readOptimizerState(optimizer);
        optimizers.push({
          optimizer,
          iterations: current.iterations,
          slots: current.slots.map(({ name, tensor }) => ({ name, tensor: tf.clone(tensor) })),
          ...(current.adamBetaPowers
            ? { adamBetaPowers: [tf.clone(current.adamBetaPowers[0]), tf.clone(current.adamBetaPowers[1])] as const }
            : {}),
        });
      }
    } catch (error) {
      disposeOptimizerCopies(optimizers);
      throw error;
    }
    return new TrainingStateSnapshot(
      state,
      state.variables.map((variable) => tf.clone(variable)),
      optimizers,
    );
  }

  /** Puts every captured value back (optimizer slots created since are dropped). */
  async restore(): Promise<void> {
    this.#state.variables.forEach((variable, index) => variable.assign(this.#variables[index]!));
    for (const copy of this.#optimizers) await loadOptimizerState(copy.optimizer, copy);
  }

  dispose(): void {
    tf.dispose([...this.#variables]);
    disposeOptimizerCopies(this.#optimizers);
  }
}

function disposeOptimizerCopies(copies: readonly OptimizerCopy[]): void {
  for (const copy of copies) {
    tf.dispose([copy.iterations, ...copy.slots.map(({ tensor }) => tensor), ...(copy.adamBetaPowers ?? [])]);
  }
}
