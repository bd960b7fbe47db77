import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/**
 * Runs `compute` on the given backend and returns its outputs as plain arrays, disposing every
 * tensor it made. Input data must be captured as arrays so that both backends see the same values.
 */
export async function computeOn(backendName: 'cpu' | 'wasm', compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backendName);
  const outputs = tf.tidy(compute);
  const values = await Promise.all(outputs.map(async (output) => (await output.data()) as Float32Array));
  tf.dispose(outputs);
  return values;
}

/**
 * Compares wasm outputs with the `cpu` backend's (tfjs's plain-JS reference kernels, which compute
 * convolution gradients by direct summation): max abs error <= 1e-4 * max(1, max |reference|).
 */
export async function expectWasmMatchesCpu(
  label: string,
  compute: () => tf.Tensor[],
  outputNames: readonly string[],
): Promise<void> {
  const run = async (backendName: 'cpu' | 'wasm'): Promise<Float32Array[]> => {
    try {
      return await computeOn(backendName, compute);
    } catch (error) {
      throw new Error(`${label}: failed on ${backendName}: ${String(error)}`, { cause: error });
    }
  };
  const reference = await run('cpu');
  const actual = await run('wasm');
  expect(actual.length, `${label}: number of outputs`).toBe(reference.length);
  reference.forEach((expected, index) => {
    const received = actual[index]!;
    const name = outputNames[index] ?? `output ${index}`;
    expect(received.length, `${label}: ${name} size`).toBe(expected.length);
    let scale = 1;
    for (const value of expected) scale = Math.max(scale, Math.abs(value));
    let worst = 0;
    let worstAt = -1;
    for (let i = 0; i < expected.length; i++) {
      const error = Math.abs(received[i]! - expected[i]!);
      if (Number.isNaN(error)) {
        // A NaN (or a NaN reference) fails the check below whatever else the arrays hold.
        worst = Number.NaN;
        worstAt = i;
        break;
      }
      if (error > worst) {
        worst = error;
        worstAt = i;
      }
    }
    expect(
      worst,
      `${label}: ${name} max abs error ${worst} at flat index ${worstAt} ` +
        `(wasm ${received[worstAt]}, cpu ${expected[worstAt]}), tolerance ${1e-4 * scale}`,
    ).toBeLessThanOrEqual(1e-4 * scale);
  });
}
