import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { preluBackpropAlphaKernelName, preluBackpropInputKernelName } from './prelu-backprop.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { seededRandom } from './test-support/seeded-random.js';

// Reference values come from tfjs's `cpu` backend (tfjs's own PReLU gradient there, since the fused
// kernels exist only for wasm) and, bit for bit, from tfjs's formula composed of ops on wasm.

/** tfjs-core 4.22's PReLU gradient (gradients/Prelu_grad.ts), written out with ops. */
function tfjsFormula(dy: tf.Tensor, x: tf.Tensor, alpha: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const mask = tf.greater(x, 0);
  const dx = tf.where(mask, dy, tf.mul(dy, alpha));
  let dAlpha = tf.where(mask, tf.zerosLike(dy), tf.mul(dy, x));
  const axes = tf.backend_util.getReductionAxes(alpha.shape, dy.shape);
  if (axes.length > 0) dAlpha = tf.sum(dAlpha, axes);
  return [dx, tf.reshape(dAlpha, alpha.shape)];
}

/** A random PReLU case: x [batch, height, width, channels], alpha per channel or per position. */
function preluCase(seed: number) {
  const random = seededRandom(seed);
  const shape = [random.pick([1, 1, 2, 3]), random.integer(1, 7), random.integer(1, 6), random.pick([1, 2, 5, 8])];
  const alphaShape = random.pick([[1, 1, shape[3]!], [shape[3]!], [1, 1, 1], [shape[1]!, shape[2]!, shape[3]!]]);
  // Some exact zeros in x: x > 0 is false there, as in tfjs.
  const x = random.values(tf.util.sizeFromShape(shape)).map((v, i) => (i % 7 === 3 ? 0 : v));
  const alpha = random.values(tf.util.sizeFromShape(alphaShape)).map((v) => v / 2);
  const upstream = random.values(tf.util.sizeFromShape(shape));
  return { shape, alphaShape, x, alpha, upstream };
}

describe('PReLU gradient on wasm (fused kernels)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    tf.env().set('IS_TEST', true);
  });

  it('runs the fused kernels on wasm and tfjs’s gradient on cpu', async () => {
    const seen: Record<string, string[]> = {};
    for (const backend of ['wasm', 'cpu'] as const) {
      await tf.setBackend(backend);
      const x = tf.tensor4d([1, -2, 3, -4], [1, 2, 1, 2]);
      const alpha = tf.tensor3d([0.25, 0.5], [1, 1, 2]);
      const profile = await tf.profile(() =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.prelu(a, b).sum())([x, alpha]),
      );
      seen[backend] = profile.kernels.map((k) => k.name);
      tf.dispose([x, alpha, ...(profile.result as tf.Tensor[])]);
    }
    expect(seen['wasm']).toContain(preluBackpropInputKernelName);
    expect(seen['wasm']).toContain(preluBackpropAlphaKernelName);
    expect(seen['wasm']).not.toContain('Select');
    expect(seen['cpu']).not.toContain(preluBackpropInputKernelName);
    expect(seen['cpu']).toContain('Select');
  });

  it('matches cpu on 60 random shapes (batch 1, odd sizes, 1 and more channels, alpha per channel, shared or per position; seeds 1..60)', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const { shape, alphaShape, x, alpha, upstream } = preluCase(seed);
      await expectWasmMatchesCpu(
        `seed ${seed} x [${shape}] alpha [${alphaShape}]`,
        () =>
          tf.grads((input: tf.Tensor, slope: tf.Tensor) =>
            tf.prelu(input, slope).mul(tf.tensor(upstream, shape)).sum(),
          )([tf.tensor(x, shape), tf.tensor(alpha, alphaShape)]),
        ['dx', 'dAlpha'],
      );
    }
  });

  it('gives the bits of tfjs’s formula composed of wasm ops', async () => {
    await tf.setBackend('wasm');
    for (const seed of [3, 8, 21, 40, 77]) {
      const { shape, alphaShape, x, alpha, upstream } = preluCase(seed);
      const [ours, theirs] = tf.tidy(() => {
        const [input, slope, dy] = [tf.tensor(x, shape), tf.tensor(alpha, alphaShape), tf.tensor(upstream, shape)];
        const fused = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.prelu(a, b).mul(dy).sum())([input, slope]);
        return [fused.map((t) => t.dataSync().slice()), tfjsFormula(dy, input, slope).map((t) => t.dataSync().slice())];
      });
      expect(
        ours.map((a) => Array.from(a)),
        `seed ${seed}`,
      ).toEqual(theirs.map((a) => Array.from(a)));
    }
  });

  it('has second derivatives like cpu (a gradient penalty through PReLU)', async () => {
    for (const seed of [2, 5, 13]) {
      const { shape, alphaShape, x, alpha, upstream } = preluCase(seed);
      await expectWasmMatchesCpu(
        `seed ${seed} x [${shape}] alpha [${alphaShape}]`,
        () => {
          const weights = tf.tensor(upstream, shape);
          // penalty(x, alpha) = sum(d/dx [sum(prelu(x, alpha) * w * x)] ^ 2): differentiates dx and dAlpha paths.
          const penalty = (input: tf.Tensor, slope: tf.Tensor) => {
            const [dx, dAlpha] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.prelu(a, b).mul(weights).mul(a).sum())([
              input,
              slope,
            ]);
            return dx!.square().sum().add(dAlpha!.square().sum());
          };
          return tf.grads(penalty)([tf.tensor(x, shape), tf.tensor(alpha, alphaShape)]);
        },
        ['dPenalty/dx', 'dPenalty/dAlpha'],
      );
    }
  });

  it('keeps tf.memory().numTensors flat', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 5, 3, 4]);
    const alpha = tf.fill([1, 1, 4], 0.25);
    const step = () =>
      tf.tidy(() =>
        tf
          .grads((a: tf.Tensor, b: tf.Tensor) => tf.prelu(a, b).square().sum())([x, alpha])[1]!
          .dataSync(),
      );
    step();
    const before = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore);
    tf.dispose([x, alpha]);
  });
});
