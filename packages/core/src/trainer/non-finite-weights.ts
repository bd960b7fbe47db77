import * as tf from '@tensorflow/tfjs';

import type { NamedTensor } from '../checkpoint/model-serialization.js';

/**
 * One scalar that is 0 when every element of `tensors` is finite and NaN otherwise, for a caller
 * to read together with other scalars in one sync: x - x is 0 for a finite x and NaN for NaN and
 * ±Infinity, and a sum of zeros stays exactly 0. Only float32 tensors can hold non-finite values.
 */
export function finiteFlag(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    const floats = tensors.filter((tensor) => tensor.dtype === 'float32');
    if (floats.length === 0) return tf.scalar(0);
    const flat = tf.concat(floats.map((tensor) => tensor.reshape([-1])));
    return tf.sum(tf.sub(flat, flat));
  });
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

/** Whether every tensor of `named` is finite, read with one sync. */
export async function allFinite(named: readonly NamedTensor[]): Promise<boolean> {
  const flag = finiteFlag(named.map(({ tensor }) => tensor));
  try {
    return (await flag.data())[0] === 0;
  } finally {
    flag.dispose();
  }
}
