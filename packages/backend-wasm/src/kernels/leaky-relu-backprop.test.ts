import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { leakyReluBackpropKernelName } from './leaky-relu-backprop.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { seededRandom } from './test-support/seeded-random.js';

// Reference values come from tfjs's `cpu` backend (tfjs's own LeakyReLU gradient there, since the
// fused kernel exists only for wasm) and, bit for bit, from tfjs's formula composed of ops on wasm.

function leakyCase(seed: number) {
  const random = seededRandom(seed);
  const rank = random.integer(1, 4);
  const shape = Array.from({ length: rank }, (_, axis) =>
    axis === 0 ? random.pick([1, 1, 2, 5]) : random.integer(1, 7),
  );
  const x = random.values(tf.util.sizeFromShape(shape)).map((v, i) => (i % 5 === 2 ? 0 : v));
  const upstream = random.values(tf.util.sizeFromShape(shape));
  const alpha = random.pick([0.2, 0.01, 0.3, 1.7, 0]);
  return { shape, x, upstream, alpha };
}

describe('LeakyReLU gradient on wasm (fused kernel)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    tf.env().set('IS_TEST', true);
  });

  it('runs the fused kernel on wasm and tfjs’s gradient on cpu', async () => {
    const seen: Record<string, string[]> = {};
    for (const backend of ['wasm', 'cpu'] as const) {
      await tf.setBackend(backend);
      const x = tf.tensor1d([1, -2, 3, -4]);
      const profile = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.leakyRelu(a, 0.2).sum())(x));
      seen[backend] = profile.kernels.map((k) => k.name);
      tf.dispose([x, profile.result as tf.Tensor]);
    }
    expect(seen['wasm']).toContain(leakyReluBackpropKernelName);
    expect(seen['wasm']).not.toContain('Select');
    expect(seen['cpu']).not.toContain(leakyReluBackpropKernelName);
    expect(seen['cpu']).toContain('Select');
  });

  it('matches cpu on 60 random shapes, rank 1-4, batch 1, odd sizes, alphas 0 to 1.7 (seeds 1..60)', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const { shape, x, upstream, alpha } = leakyCase(seed);
      await expectWasmMatchesCpu(
        `seed ${seed} x [${shape}] alpha ${alpha}`,
        () => [
          tf.grad((a: tf.Tensor) => tf.leakyRelu(a, alpha).mul(tf.tensor(upstream, shape)).sum())(tf.tensor(x, shape)),
        ],
        ['dx'],
      );
    }
  });

  it('gives the bits of tfjs’s formula composed of wasm ops', async () => {
    await tf.setBackend('wasm');
    for (const seed of [4, 9, 30]) {
      const { shape, x, upstream, alpha } = leakyCase(seed);
      const [ours, theirs] = tf.tidy(() => {
        const [input, dy] = [tf.tensor(x, shape), tf.tensor(upstream, shape)];
        const fused = tf.grad((a: tf.Tensor) => tf.leakyRelu(a, alpha).mul(dy).sum())(input);
        // tfjs-core 4.22's gradients/LeakyRelu_grad.ts, written out with ops.
        const formula = tf.where(tf.greater(input, 0), dy, tf.mul(dy, alpha));
        return [fused.dataSync().slice(), formula.dataSync().slice()];
      });
      expect(Array.from(ours), `seed ${seed}`).toEqual(Array.from(theirs));
    }
  });

  it('has second derivatives like cpu (a gradient penalty through LeakyReLU)', async () => {
    for (const seed of [2, 6]) {
      const { shape, x, upstream, alpha } = leakyCase(seed);
      await expectWasmMatchesCpu(
        `seed ${seed} x [${shape}]`,
        () => {
          const weights = tf.tensor(upstream, shape);
          const penalty = (input: tf.Tensor) =>
            tf
              .grad((a: tf.Tensor) => tf.leakyRelu(a, alpha).mul(weights).mul(a).sum())(input)
              .square()
              .sum();
          return [tf.grad(penalty)(tf.tensor(x, shape))];
        },
        ['dPenalty/dx'],
      );
    }
  });

  it('keeps tf.memory().numTensors flat', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([3, 4, 5]);
    const step = () =>
      tf.tidy(() =>
        tf
          .grad((a: tf.Tensor) => tf.leakyRelu(a, 0.2).square().sum())(x)
          .dataSync(),
      );
    step();
    const before = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore);
    x.dispose();
  });
});
