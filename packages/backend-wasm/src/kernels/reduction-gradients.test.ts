import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { seededRandom } from './test-support/seeded-random.js';

// Reference values come from tfjs's `cpu` backend (tfjs's own Sum and Mean gradients run there)
// and, bit for bit, from tfjs's formula (dy * ones / n) composed of ops on wasm.

function reductionCase(seed: number) {
  const random = seededRandom(seed);
  const rank = random.integer(1, 4);
  const shape = Array.from({ length: rank }, (_, axis) =>
    axis === 0 ? random.pick([1, 1, 2, 5]) : random.integer(1, 7),
  );
  const axes = Array.from({ length: rank }, (_, axis) => axis).filter(() => random.next() < 0.5);
  if (axes.length === 0) axes.push(random.integer(0, rank - 1));
  const keepDims = random.next() < 0.3;
  const x = random.values(tf.util.sizeFromShape(shape));
  const weights = random.values(tf.util.sizeFromShape(shape));
  return { shape, axes, keepDims, x, weights };
}

describe('Sum and Mean gradients on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    tf.env().set('IS_TEST', true);
  });

  it('broadcast once on wasm and keep tfjs’s ones-and-multiply on cpu', async () => {
    const seen: Record<string, string[]> = {};
    for (const backend of ['wasm', 'cpu'] as const) {
      await tf.setBackend(backend);
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      const profile = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.mean(a, 0).square().sum())(x));
      seen[backend] = profile.kernels.map((k) => `${k.name} [${k.outputShapes[0]?.join(',')}]`);
      tf.dispose([x, profile.result as tf.Tensor]);
    }
    // tfjs divides dy * ones at the input's full shape; on wasm the division is at [1, 3], then a Tile.
    expect(seen['cpu']).toContain('RealDiv [2,3]');
    expect(seen['wasm']).not.toContain('RealDiv [2,3]');
    expect(seen['wasm']).toContain('RealDiv [1,3]');
    expect(seen['wasm']).toContain('Tile [2,3]');
  });

  it('match cpu on 80 random shapes and axes, rank 1-4, batch 1, keepDims or not (seeds 1..80)', async () => {
    for (let seed = 1; seed <= 80; seed++) {
      const { shape, axes, keepDims, x, weights } = reductionCase(seed);
      await expectWasmMatchesCpu(
        `seed ${seed} x [${shape}] axes [${axes}] keepDims ${keepDims}`,
        () => {
          const input = tf.tensor(x, shape);
          // The weights make the upstream gradient differ per output element.
          const w = tf.tensor(weights, shape);
          return [
            tf.grad((a: tf.Tensor) => tf.sum(a.mul(w), axes, keepDims).square().sum())(input),
            tf.grad((a: tf.Tensor) => tf.mean(a.mul(w), axes, keepDims).square().sum())(input),
          ];
        },
        ['dSum', 'dMean'],
      );
    }
  });

  it('give the bits of tfjs’s formula composed of wasm ops', async () => {
    await tf.setBackend('wasm');
    for (const seed of [3, 17, 44, 61]) {
      const { shape, axes, x, weights } = reductionCase(seed);
      const [ours, theirs] = tf.tidy(() => {
        const input = tf.tensor(x, shape);
        const dy = tf.sum(tf.tensor(weights, shape), axes).mul(3.7);
        const ourGradients = [
          tf.grad((a: tf.Tensor) => tf.sum(a, axes).mul(dy).sum())(input),
          tf.grad((a: tf.Tensor) => tf.mean(a, axes).mul(dy).sum())(input),
        ];
        // tfjs-core 4.22's gradients/Sum_grad.ts and Mean_grad.ts, written out with ops.
        const expandedShape = shape.map((size, axis) => (axes.includes(axis) ? 1 : size));
        const reduced = axes.reduce((n, axis) => n * shape[axis]!, 1);
        const expanded = tf.reshape(dy, expandedShape);
        const formulas = [tf.mul(expanded, tf.ones(shape)), tf.div(tf.mul(expanded, tf.ones(shape)), reduced)];
        return [ourGradients.map((t) => Array.from(t.dataSync())), formulas.map((t) => Array.from(t.dataSync()))];
      });
      expect(ours, `seed ${seed}`).toEqual(theirs);
    }
  });

  it('have second derivatives like cpu (through the moments of a batch norm)', async () => {
    const random = seededRandom(8);
    const values = random.values(3 * 4 * 5 * 2);
    await expectWasmMatchesCpu(
      'gradient penalty through moments',
      () => {
        const penalty = (input: tf.Tensor) => {
          const inner = tf.grad((a: tf.Tensor) => {
            const { mean, variance } = tf.moments(a, [0, 1, 2]);
            return a.sub(mean).div(variance.add(1e-3).sqrt()).mul(a).sum();
          })(input);
          return inner.square().mean();
        };
        return [tf.grad(penalty)(tf.tensor4d(values, [3, 4, 5, 2]))];
      },
      ['dPenalty/dx'],
    );
  });

  it('keep tf.memory().numTensors flat', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 3, 4]);
    const step = () =>
      tf.tidy(() =>
        tf
          .grad((a: tf.Tensor) =>
            tf
              .mean(a, [0, 1])
              .add(tf.sum(a, 2, true).sum())
              .sum(),
          )(x)
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
