import * as tf from '@tensorflow/tfjs';

import type { NamedTensor } from '../checkpoint/model-serialization.js';
import { CheckpointError } from '../errors.js';

/**
 * An optimizer's state as `getWeights()` returns it: the iteration count (a fresh int32 scalar the
 * caller owns) and the slot variables (the optimizer's own, in its order), plus, for Adam, the
 * running bias-correction powers beta1^(t+1) and beta2^(t+1) that `getWeights()` leaves out.
 */
export interface OptimizerState {
  readonly iterations: tf.Tensor;
  readonly slots: readonly NamedTensor[];
  readonly adamBetaPowers?: readonly [tf.Tensor, tf.Tensor];
}

/** Reads an optimizer's state; only `iterations` is a new tensor (dispose it), the rest are the optimizer's. */
export async function readOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const [iterations, ...slots] = await optimizer.getWeights();
  const adam = adamInternals(optimizer);
  return {
    iterations: iterations!.tensor,
    slots,
    ...(adam ? { adamBetaPowers: [adam.accBeta1, adam.accBeta2] as const } : {}),
  };
}

/**
 * Loads optimizer state into `optimizer` and frees the slot variables it replaces (tfjs's
 * `setWeights` makes new variables and drops the old ones without disposing them). The given
 * tensors stay the caller's.
 *
 * For Adam, the bias-correction powers are set to `adamBetaPowers` when given, else to what training
 * reaches: tfjs 4.22's `setWeights` computes beta^(t+1) with `pow()`, while training multiplies the
 * power by beta once per step in float32; the two differ in the last bits at some t, and a resumed
 * run then drifts from an uninterrupted one (by up to 2.4e-7 in weights after a few steps).
 *
 * @throws CheckpointError when the optimizer is an Adam whose internals this tfjs version lays out differently.
 */
export async function loadOptimizerState(
  optimizer: tf.Optimizer,
  state: { iterations: tf.Tensor; slots: readonly NamedTensor[]; adamBetaPowers?: readonly [tf.Tensor, tf.Tensor] },
): Promise<void> {
  const replaced = await optimizer.getWeights();
  await optimizer.setWeights([{ name: 'iter', tensor: state.iterations }, ...state.slots]);
  // The first entry is getWeights' fresh iteration scalar; the others are the replaced slot variables.
  tf.dispose(replaced.map(({ tensor }) => tensor));
  if (isAdam(optimizer)) {
    const adam = adamInternals(optimizer);
    if (!adam) {
      throw new CheckpointError(
        "This version of tfjs's AdamOptimizer has no accBeta1/accBeta2 variables; GanForge needs them to resume Adam exactly. Use @tensorflow/tfjs 4.x.",
      );
    }
    const iterations = optimizer.iterations;
    const [power1, power2] = state.adamBetaPowers ?? [
      tf.scalar(float32Power(adam.beta1, iterations)),
      tf.scalar(float32Power(adam.beta2, iterations)),
    ];
    adam.accBeta1.assign(power1);
    adam.accBeta2.assign(power2);
    if (!state.adamBetaPowers) tf.dispose([power1, power2]);
  }
}

/**
 * beta^(t+1) as tfjs's Adam holds it after t steps: float32(beta), then t float32 multiplications
 * by float32(beta). `Math.fround(a * b)` is exactly IEEE float32 multiplication for float32 a and b
 * (their exact product has at most 48 significant bits, so the double product is exact and is
 * rounded once). The loop stops early at a fixed point (0, or a subnormal that rounds back to itself).
 */
export function float32Power(beta: number, iterations: number): number {
  const factor = Math.fround(beta);
  let power = factor;
  for (let step = 0; step < iterations; step++) {
    const next = Math.fround(power * factor);
    if (next === power) break;
    power = next;
  }
  return power;
}

/** tfjs 4.x AdamOptimizer fields (TypeScript-private there) that hold the bias-correction powers. */
interface AdamInternals {
  readonly accBeta1: tf.Variable;
  readonly accBeta2: tf.Variable;
  readonly beta1: number;
  readonly beta2: number;
}

// Not `instanceof tf.AdamOptimizer`: tfjs's Optimizer defines Symbol.hasInstance, which every
// optimizer class inherits, so any optimizer would pass.
function isAdam(optimizer: tf.Optimizer): boolean {
  return optimizer.getClassName() === 'Adam';
}

function adamInternals(optimizer: tf.Optimizer): AdamInternals | undefined {
  if (!isAdam(optimizer)) return undefined;
  const fields = optimizer as unknown as Partial<AdamInternals>;
  const isVariable = (value: unknown) => value instanceof tf.Variable;
  if (!isVariable(fields.accBeta1) || !isVariable(fields.accBeta2)) return undefined;
  if (typeof fields.beta1 !== 'number' || typeof fields.beta2 !== 'number') return undefined;
  return fields as AdamInternals;
}
