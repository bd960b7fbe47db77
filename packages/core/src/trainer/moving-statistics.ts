import * as tf from '@tensorflow/tfjs';

/**
 * A copy of models' non-trainable weights (BatchNorm's moving mean and variance), to put back.
 * Running a model in training mode moves its BatchNorm statistics even when no optimizer touches
 * it; a step that updates only one network (or only evaluates a loss) uses this so that the other
 * network stays bit-identical. Copies are `tf.clone`s: `assign` points a variable at a new buffer.
 */
export class MovingStatisticsCopy {
  readonly #variables: readonly tf.Variable[];
  readonly #copies: readonly tf.Tensor[];
  #done = false;

  private constructor(variables: tf.Variable[]) {
    this.#variables = variables;
    this.#copies = variables.map((variable) => tf.clone(variable));
  }

  static capture(models: readonly tf.LayersModel[]): MovingStatisticsCopy {
    return new MovingStatisticsCopy(
      models.flatMap((model) => model.nonTrainableWeights.map((weight) => weight.read() as tf.Variable)),
    );
  }

  /** Puts the captured values back and frees the copies; later calls do nothing. */
  restoreAndDispose(): void {
    if (this.#done) return;
    this.#done = true;
    try {
      this.#variables.forEach((variable, index) => variable.assign(this.#copies[index]!));
    } finally {
      tf.dispose([...this.#copies]);
    }
  }
}
