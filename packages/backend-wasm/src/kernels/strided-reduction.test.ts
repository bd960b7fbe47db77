import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { isStridedReductionWrapper, withStridedReduction } from './strided-reduction.js';
import { computeOn, expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { seededRandom } from './test-support/seeded-random.js';
import { withWasmKernel } from './test-support/with-wasm-kernel.js';

// Reference values come from tfjs's `cpu` backend, and, bit for bit, from the stock wasm kernels
// this wrapper replaces (taken before registerWasmTrainingKernels swaps them out).

const stock = new Map<string, tf.KernelConfig>();

describe('Sum and Mean over leading axes on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    for (const name of ['Sum', 'Mean']) stock.set(name, tf.getKernel(name, 'wasm')!);
    registerWasmTrainingKernels();
    tf.env().set('IS_TEST', true);
  });

  it('replaces the stock wasm Sum and Mean with the wrapper, once', () => {
    for (const name of ['Sum', 'Mean']) {
      expect(isStridedReductionWrapper(stock.get(name)!.kernelFunc), name).toBe(false);
      const registered = tf.getKernel(name, 'wasm')!;
      expect(isStridedReductionWrapper(registered.kernelFunc), name).toBe(true);
      registerWasmTrainingKernels();
      expect(tf.getKernel(name, 'wasm')!.kernelFunc, name).toBe(registered.kernelFunc);
    }
  });

  it('matches cpu on 80 random shapes, rank 1-5, over random contiguous axes, keepDims or not (seeds 1..80)', async () => {
    for (let seed = 1; seed <= 80; seed++) {
      const random = seededRandom(seed);
      const rank = random.integer(1, 5);
      const shape = Array.from({ length: rank }, (_, axis) =>
        axis === 0 ? random.pick([1, 1, 2, 5]) : random.pick([1, 2, 3, 7, 16]),
      );
      const first = random.integer(0, rank - 1);
      const last = random.integer(first, rank - 1);
      const axes = Array.from({ length: last - first + 1 }, (_, index) => first + index);
      const keepDims = random.next() < 0.3;
      const values = random.values(tf.util.sizeFromShape(shape));
      await expectWasmMatchesCpu(
        `seed ${seed} shape [${shape}] axes [${axes}] keepDims ${keepDims}`,
        () => {
          const x = tf.tensor(values, shape);
          return [tf.sum(x, axes, keepDims), tf.mean(x, axes, keepDims)];
        },
        ['sum', 'mean'],
      );
    }
  });

  it('gives the stock wasm kernels’ bits on the NHWC per-channel shapes of SRResNet and DCGAN training', async () => {
    const cases: Array<[number[], number[]]> = [
      [
        [16, 24, 24, 64],
        [0, 1, 2],
      ],
      [
        [1, 5, 7, 3],
        [0, 1, 2],
      ],
      [
        [64, 14, 14, 64],
        [0, 1, 2],
      ],
      [
        [7, 9, 1],
        [0, 1],
      ],
      [[16, 1024], [0]],
      [
        [3, 5, 7, 2],
        [1, 2],
      ],
      [[3, 5, 7, 2], [-3]],
      [
        [2, 6, 5, 4, 3],
        [1, 2, 3],
      ],
    ];
    const random = seededRandom(5);
    for (const [shape, axes] of cases) {
      // Values of mixed magnitude so that the order of float32 additions shows in the last bits.
      const values = random.values(tf.util.sizeFromShape(shape)).map((v, i) => v * (i % 3 === 0 ? 1000 : 1));
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor(values, shape);
          return [tf.sum(x, axes), tf.mean(x, axes), tf.sum(x, axes, true)].map((t) => t.dataSync().slice());
        });
      const ours = run();
      const theirs = await withWasmKernel(stock.get('Sum')!, () =>
        withWasmKernel(stock.get('Mean')!, async () => run()),
      );
      for (let output = 0; output < ours.length; output++) {
        expect(Array.from(ours[output]!), `shape [${shape}] axes [${axes}] output ${output}`).toEqual(
          Array.from(theirs[output]!),
        );
      }
    }
  });

  it('leaves innermost, non-contiguous, int32 and empty reductions to the stock kernel, with cpu’s values', async () => {
    const random = seededRandom(11);
    const values = random.values(2 * 3 * 4 * 5);
    await expectWasmMatchesCpu(
      'delegated cases',
      () => {
        const x = tf.tensor(values, [2, 3, 4, 5]);
        return [
          tf.sum(x, [2, 3]),
          tf.mean(x, -1),
          tf.sum(x, [0, 2]),
          tf.mean(x, [1, 3], true),
          tf.sum(x),
          tf.sum(tf.zeros([0, 3]), 0),
        ];
      },
      ['inner', 'inner mean', 'gap', 'gap mean', 'all', 'empty'],
    );
    const ints = () => [tf.sum(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32'), [0, 1])];
    const reference = await computeOn('cpu', ints);
    const actual = await computeOn('wasm', ints);
    expect(Array.from(actual[0]!)).toEqual(Array.from(reference[0]!));
    expect(Array.from(reference[0]!)).toEqual([16, 20]);
  });

  it('keeps tf.memory().numTensors and the wasm data count flat', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([4, 6, 6, 8]);
    const run = () =>
      tf.tidy(() =>
        tf
          .sum(x, [0, 1, 2])
          .add(tf.mean(x, [0, 1], true).sum())
          .dataSync(),
      );
    run();
    const before = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore);
    x.dispose();
  });

  it('wraps any stock reduction it is given and keeps its setup', () => {
    const sum = stock.get('Sum')!;
    const wrapped = withStridedReduction(sum);
    expect(wrapped.kernelName).toBe('Sum');
    expect(wrapped.setupFunc).toBe(sum.setupFunc);
    expect(isStridedReductionWrapper(wrapped.kernelFunc)).toBe(true);
  });
});
