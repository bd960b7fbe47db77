import * as tf from '@tensorflow/tfjs';

import type { NamedTensor } from '../checkpoint/model-serialization.js';

/**
 * One scalar per float32 tensor of `tensors`: its sum, for a caller to read together with other
 * scalars in one sync. A tensor holding NaN or ±Infinity always has a non-finite sum; a finite
 * tensor has one only if its sum overflows float32 (|sum| > 3.4e38), so a non-finite probe is
 * confirmed with {@link firstNonFinite}. One reduction per tensor, no copies (int32 tensors
 * cannot be non-finite and get no probe).
 */
export function finiteProbes(tensors: readonly tf.Tensor[]): tf.Scalar[] {
  return tensors.filter((tensor) => tensor.dtype === 'float32').map((tensor) => tf.sum(tensor));
}

/** The first tensor of `named` (in order) holding NaN or ±Infinity, with that value; undefined if none. */
export async function firstNonFinite(
  named: readonly NamedTensor[],
): Promise<{ readonly name: string; readonly value: number } | undefined> {
  for (const { name, tensor } of named) {
    if (tensor.dtype !== 'float32') continue;
    const values = await tensor.data<'float32'>();
    const value = values.find((element) => !Number.isFinite(element));
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

/** Whether every tensor of `named` is finite: one sync, plus a full read only when a probe says no. */
export async function allFinite(named: readonly NamedTensor[]): Promise<boolean> {
  const probes = finiteProbes(named.map(({ tensor }) => tensor));
  if (probes.length === 0) return true;
  const stacked = tf.stack(probes);
  tf.dispose(probes);
  const sums = await stacked.data();
  stacked.dispose();
  return sums.every((sum) => Number.isFinite(sum)) || (await firstNonFinite(named)) === undefined;
}
