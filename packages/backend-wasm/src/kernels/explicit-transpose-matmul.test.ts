import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { explicitTransposeMinimumWork, isExplicitTransposeMatMulWrapper } from './explicit-transpose-matmul.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { seededRandom } from './test-support/seeded-random.js';

// Reference values: tfjs's `cpu` backend (plain JavaScript matmul), same inputs.

describe('BatchMatMul with transposed operands on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it('is the registered wasm BatchMatMul', () => {
    expect(isExplicitTransposeMatMulWrapper(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc)).toBe(true);
  });

  it('matches cpu for every transpose combination, above and below the size where it transposes (seeds 1..24)', async () => {
    for (let seed = 1; seed <= 24; seed++) {
      const random = seededRandom(seed);
      // Half the cases exceed explicitTransposeMinimumWork (m*k*n >= 2^20), half stay under it.
      const large = seed % 2 === 0;
      const m = large ? random.integer(64, 160) : random.integer(1, 40);
      const k = large ? random.integer(48, 96) : random.integer(1, 33);
      const n = large
        ? Math.ceil(explicitTransposeMinimumWork / (m * k)) + random.integer(0, 300)
        : random.integer(1, 50);
      expect(m * k * n >= explicitTransposeMinimumWork).toBe(large);
      const transposeA = random.next() < 0.5 || seed % 4 === 0;
      const transposeB = random.next() < 0.5 || seed % 4 === 2;
      const aShape = transposeA ? [k, m] : [m, k];
      const bShape = transposeB ? [n, k] : [k, n];
      const aValues = random.values(m * k);
      const bValues = random.values(k * n);
      await expectWasmMatchesCpu(
        `seed ${seed}: ${m}x${k}x${n}, transposeA ${transposeA}, transposeB ${transposeB}`,
        () => [tf.matMul(tf.tensor(aValues, aShape), tf.tensor(bValues, bShape), transposeA, transposeB)],
        ['product'],
      );
    }
  });

  it('keeps leading axes of size 1 and leaves real batches to the stock kernel, matching cpu', async () => {
    const random = seededRandom(99);
    const a = random.values(1 * 96 * 128);
    const b = random.values(1 * 96 * 140);
    await expectWasmMatchesCpu(
      'rank 3, batch 1, transposeA',
      () => [tf.matMul(tf.tensor(a, [1, 96, 128]), tf.tensor(b, [1, 96, 140]), true, false)],
      ['product'],
    );
    const batched = random.values(3 * 20 * 30);
    const other = random.values(3 * 40 * 30);
    await expectWasmMatchesCpu(
      'rank 3, batch 3, transposeB',
      () => [tf.matMul(tf.tensor(batched, [3, 20, 30]), tf.tensor(other, [3, 40, 30]), false, true)],
      ['product'],
    );
  });

  it('gives the dense-layer gradients cpu gives, and keeps the tensor count flat', async () => {
    const random = seededRandom(7);
    const x = random.values(64 * 100);
    const w = random.values(100 * 3136);
    const gradients = () => {
      const input = tf.tensor2d(x, [64, 100]);
      const weights = tf.tensor2d(w, [100, 3136]);
      const [dx, dw] = tf.grads((i: tf.Tensor, v: tf.Tensor) => tf.matMul(i, v).tanh().sum())([input, weights]);
      return [dx!, dw!];
    };
    await expectWasmMatchesCpu('dense 100 -> 3136 at batch 64', gradients, ['dx', 'dW']);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    tf.dispose(tf.tidy(gradients));
    expect(tf.memory().numTensors).toBe(before);
  });
});
