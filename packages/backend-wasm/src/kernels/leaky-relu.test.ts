import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { isBranchFreeLeakyReluWrapper } from './leaky-relu.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { computeOn, expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { seededRandom } from './test-support/seeded-random.js';
import { withWasmKernel } from './test-support/with-wasm-kernel.js';

// Reference values come from tfjs's `cpu` backend and, bit for bit, from the stock wasm kernel
// (taken before registerWasmTrainingKernels replaces it).

let stock: tf.KernelConfig;

describe('LeakyRelu on wasm (branch-free)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    stock = tf.getKernel('LeakyRelu', 'wasm')!;
    registerWasmTrainingKernels();
    tf.env().set('IS_TEST', true);
  });

  it('is the registered wasm LeakyRelu', () => {
    expect(isBranchFreeLeakyReluWrapper(stock.kernelFunc)).toBe(false);
    expect(isBranchFreeLeakyReluWrapper(tf.getKernel('LeakyRelu', 'wasm')!.kernelFunc)).toBe(true);
  });

  it('equals the stock wasm kernel bit for bit and cpu (which multiplies by alpha in double precision) on 40 random shapes and alphas, with 0, -0 and ±Infinity (seeds 1..40)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const rank = random.integer(1, 4);
      const shape = Array.from({ length: rank }, (_, axis) =>
        axis === 0 ? random.pick([1, 2, 5]) : random.integer(1, 9),
      );
      const specials = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
      const values = random
        .values(tf.util.sizeFromShape(shape))
        .map((v, i) => (i % 11 === 5 ? specials[i % 4]! : v * 10));
      const alpha = random.pick([0.2, 0.01, 0, 1, 3.3, -0.5]);
      const compute = () => [tf.leakyRelu(tf.tensor(values, shape), alpha)];
      const [ours] = await computeOn('wasm', compute);
      const [theirs] = await withWasmKernel(stock, () => computeOn('wasm', compute));
      const label = `seed ${seed} shape [${shape}] alpha ${alpha}`;
      expect(Array.from(ours!), `${label} vs stock wasm`).toEqual(Array.from(theirs!));
      const finite = values.map((v) => (Number.isFinite(v) ? v : 0));
      await expectWasmMatchesCpu(label, () => [tf.leakyRelu(tf.tensor(finite, shape), alpha)], ['y']);
    }
  });

  it('keeps NaN as NaN, like the stock kernel', async () => {
    const [ours] = await computeOn('wasm', () => [tf.leakyRelu(tf.tensor1d([Number.NaN, -1]), 0.2)]);
    expect(Number.isNaN(ours![0]!)).toBe(true);
    expect(ours![1]).toBeCloseTo(-0.2, 6);
  });

  it('leaves int32 to the stock kernel (float32 out, like cpu)', async () => {
    const compute = () => [tf.leakyRelu(tf.tensor1d([-3, 0, 4], 'int32'), 0.5)];
    const [reference] = await computeOn('cpu', compute);
    const [actual] = await computeOn('wasm', compute);
    expect(Array.from(actual!)).toEqual(Array.from(reference!));
  });

  it('keeps tf.memory().numTensors flat', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([4, 5, 6]);
    const run = () => tf.tidy(() => tf.leakyRelu(x, 0.2).dataSync());
    run();
    const before = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore);
    x.dispose();
  });
});
