import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, NonFiniteLossError } from './errors.js';
import { NonFiniteWeightError } from './non-finite-weight-error.js';
import { assertInteger } from './tensor-checks.js';

type LayerWeight = tf.LayersModel['nonTrainableWeights'][number];

export interface FiniteOptimizerStepOptions {
  readonly optimizer: tf.Optimizer;
  /** The variables the gradients update (e.g. the models' `trainableWeights`, read). */
  readonly variables: readonly tf.Variable[];
  /**
   * The models the loss runs in training mode. Their non-trainable weights (BatchNorm moving
   * statistics) change in the forward pass, not through the gradients: they are put back if the
   * step fails.
   */
  readonly models: readonly tf.LayersModel[];
  /** The loss to minimise; called once, under the gradient tape, inside `tf.tidy`. */
  readonly loss: () => tf.Scalar;
  /** The number of this step, counted from 1 (named in the errors). */
  readonly step: number;
  /** The loss's name in the errors (e.g. `'content_mse'`). */
  readonly lossName: string;
}

/**
 * One optimizer step that changes nothing unless it is finite: computes the loss and the gradients,
 * reads in one sync the loss, each gradient's sum of squares and each non-trainable weight's sum
 * (the moving statistics the forward pass just updated), and applies the gradients only when all
 * of them are finite. Otherwise it disposes the gradients, puts the non-trainable weights back and
 * throws, so the models and the optimizer (its slots and iteration count) are exactly as after
 * the last good step. A finite sum of squares also keeps Adam's second moment (which adds g²)
 * finite. Runs in `tf.tidy`: `tf.memory().numTensors` is the same after the call, thrown or not.
 *
 * @returns the loss of this step.
 * @throws InvalidArgumentError for options of the wrong kind (before anything is computed).
 * @throws NonFiniteLossError when the loss is NaN or ±Infinity (`loss` is `lossName`), or when a
 * gradient's sum of squares is (`loss` is `gradient of the <lossName>`: the gradient holds NaN or
 * ±Infinity, or elements beyond 1.8e19 whose squares overflow float32).
 * @throws NonFiniteWeightError (`check: 'step'`) when the loss and gradients are finite but the
 * forward pass left a non-trainable weight non-finite (e.g. BatchNorm variance of huge inputs).
 *
 * @example
 * ```ts
 * const optimizer = tf.train.adam(1e-3);
 * const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
 * const loss = await finiteOptimizerStep({
 *   optimizer, variables, models: [model], step: 1, lossName: 'mse',
 *   loss: () => tf.losses.meanSquaredError(targets, model.apply(inputs, { training: true }) as tf.Tensor),
 * });
 * ```
 */
export async function finiteOptimizerStep(options: FiniteOptimizerStepOptions): Promise<number> {
  const { optimizer, variables, step, lossName } = options ?? {};
  if (typeof optimizer?.computeGradients !== 'function')
    throw new InvalidArgumentError('options.optimizer', 'a tf.Optimizer', optimizer);
  if (!Array.isArray(variables) || variables.length === 0)
    throw new InvalidArgumentError('options.variables', 'a non-empty array of tf.Variable', variables);
  if (!Array.isArray(options.models) || options.models.some((model) => !Array.isArray(model?.nonTrainableWeights)))
    throw new InvalidArgumentError('options.models', 'an array of tf.LayersModel (may be empty)', options.models);
  if (typeof options.loss !== 'function')
    throw new InvalidArgumentError('options.loss', 'a function returning a scalar', options.loss);
  assertInteger(step, 1, Number.MAX_SAFE_INTEGER, 'options.step');
  if (typeof lossName !== 'string') throw new InvalidArgumentError('options.lossName', 'a string', lossName);
  const watched = uniqueWeights(options.models.flatMap((model) => model.nonTrainableWeights)).filter(
    (weight) => weight.dtype === 'float32',
  );
  // A clone keeps the old buffer: tfjs variables change by `assign`, which points them at a new one.
  const before = watched.map((weight) => tf.clone(weight.read()));
  let computed: { value: tf.Scalar; grads: tf.NamedTensorMap; probes: tf.Tensor1D } | undefined;
  try {
    computed = tf.tidy(() => {
      const { value, grads } = optimizer.computeGradients(options.loss, [...variables]);
      const probes = tf.stack([
        value,
        ...Object.values(grads).map((gradient) => tf.sum(tf.square(gradient))),
        ...watched.map((weight) => tf.sum(weight.read())),
      ]) as tf.Tensor1D;
      return { value, grads, probes };
    });
    const sums = await computed.probes.data();
    const loss = sums[0]!;
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(step, lossName, loss);
    const gradientCount = Object.keys(computed.grads).length;
    for (let index = 1; index <= gradientCount; index++) {
      if (!Number.isFinite(sums[index]!))
        throw new NonFiniteLossError(step, `gradient of the ${lossName}`, sums[index]!);
    }
    for (const [index, weight] of watched.entries()) {
      if (!Number.isFinite(sums[1 + gradientCount + index]!)) {
        const values = await weight.read().data<'float32'>();
        const value = values.find((element) => !Number.isFinite(element));
        // A finite tensor whose sum overflowed float32 is not a fault.
        if (value !== undefined) throw new NonFiniteWeightError('step', step, `weight '${weight.name}'`, value);
      }
    }
    // In the variables' order, as `minimize(f, true, variables)` does: Adam keys its slots by position.
    const grads = computed.grads;
    optimizer.applyGradients(variables.map((variable) => ({ name: variable.name, tensor: grads[variable.name]! })));
    return loss;
  } catch (error) {
    watched.forEach((weight, index) => weight.write(before[index]!));
    throw error;
  } finally {
    tf.dispose(before);
    if (computed) tf.dispose([computed.value, computed.probes, ...Object.values(computed.grads)]);
  }
}

/** Each weight once (models may share layers). */
function uniqueWeights(weights: readonly LayerWeight[]): LayerWeight[] {
  const seen = new Set<number>();
  return weights.filter((weight) => !seen.has(weight.id) && (seen.add(weight.id), true));
}
