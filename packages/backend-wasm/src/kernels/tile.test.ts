import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { tileConfig } from './tile.js';
import { computeOn, expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { seededRandom } from './test-support/seeded-random.js';

// Reference values come from tfjs's `cpu` backend.

describe('Tile on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    tf.env().set('IS_TEST', true);
  });

  it('is the registered wasm Tile', () => {
    expect(tf.getKernel('Tile', 'wasm')?.kernelFunc).toBe(tileConfig.kernelFunc);
  });

  it('matches cpu on 80 random shapes and reps, rank 1-5 (seeds 1..80)', async () => {
    for (let seed = 1; seed <= 80; seed++) {
      const random = seededRandom(seed);
      const rank = random.integer(1, 5);
      const shape = Array.from({ length: rank }, () => random.integer(1, 5));
      const reps = Array.from({ length: rank }, () => random.pick([1, 1, 2, 3, 7]));
      const values = random.values(tf.util.sizeFromShape(shape));
      await expectWasmMatchesCpu(
        `seed ${seed} shape [${shape}] reps [${reps}]`,
        () => [tf.tile(tf.tensor(values, shape), reps)],
        ['y'],
      );
    }
  });

  it('tiles int32, bool and string tensors like cpu', async () => {
    const compute = () => [
      tf.tile(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [3, 2]),
      tf.tile(tf.tensor2d([true, false, false, true], [2, 2], 'bool'), [2, 3]),
    ];
    const reference = await computeOn('cpu', compute);
    const actual = await computeOn('wasm', compute);
    expect(actual.map((a) => Array.from(a))).toEqual(reference.map((a) => Array.from(a)));
    await tf.setBackend('wasm');
    const strings = tf.tile(tf.tensor2d(['a', 'b', 'c', 'd'], [2, 2]), [2, 1]);
    expect(await strings.array()).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['a', 'b'],
      ['c', 'd'],
    ]);
    strings.dispose();
  });

  it('gives tf.batchNorm gradients (which tile per-channel values) like cpu', async () => {
    const random = seededRandom(9);
    const xValues = random.values(3 * 5 * 6 * 4);
    const scale = random.values(4);
    const compute = () => {
      const x = tf.tensor4d(xValues, [3, 5, 6, 4]);
      return tf.grads((input: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
        const { mean, variance } = tf.moments(input, [0, 1, 2]);
        return tf.batchNorm(input, mean, variance, beta, gamma, 1e-3).square().sum();
      })([x, tf.tensor1d(scale), tf.tensor1d(scale.map((v) => v / 2))]);
    };
    await expectWasmMatchesCpu('batchNorm gradients', compute, ['dx', 'dScale', 'dOffset']);
  });
});
