import { InvalidArgumentError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { computeOn, expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { seededRandom } from './test-support/seeded-random.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

// Reference values come from tfjs's `cpu` backend (its UnsortedSegmentSum kernel: one masked sum per
// segment); the cases cpu cannot give (NaN, numSegments 0) are computed by hand.

describe('UnsortedSegmentSum on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    tf.env().set('IS_TEST', true);
  });

  it('is the registered wasm UnsortedSegmentSum', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')?.kernelFunc).toBe(unsortedSegmentSumConfig.kernelFunc);
  });

  it('matches cpu on 80 random shapes, rank 1-4, batch 1 included, with empty segments and negative or out-of-range ids (seeds 1..80)', async () => {
    for (let seed = 1; seed <= 80; seed++) {
      const random = seededRandom(seed);
      const rank = random.integer(1, 4);
      const shape = Array.from({ length: rank }, (_, axis) =>
        axis === 0 ? random.pick([1, 1, 2, 5, 17]) : random.integer(1, 6),
      );
      const numSegments = random.integer(1, 9);
      // ids from -2 to numSegments + 1: some negative, some too large, some segments never named.
      const ids = Array.from({ length: shape[0]! }, () => random.integer(-2, numSegments + 1));
      const values = random.values(tf.util.sizeFromShape(shape));
      await expectWasmMatchesCpu(
        `seed ${seed} x [${shape}] ids [${ids}] numSegments ${numSegments}`,
        () => [tf.unsortedSegmentSum(tf.tensor(values, shape), tf.tensor1d(ids, 'int32'), numSegments)],
        ['y'],
      );
    }
  });

  it('gives zeros for segments no row names and drops every row whose id is out of range, like cpu', async () => {
    const compute = () => [
      tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), tf.tensor1d([3, -1, 4, 100], 'int32'), 5),
    ];
    const [reference] = await computeOn('cpu', compute);
    const [actual] = await computeOn('wasm', compute);
    // By hand: row 0 -> segment 3, row 2 -> segment 4; rows 1 (id -1) and 3 (id 100) are dropped;
    // segments 0-2 are named by no row.
    expect(Array.from(reference!)).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 5, 6]);
    expect(Array.from(actual!)).toEqual(Array.from(reference!));
  });

  it('sums int32 and bool inputs into float32, like cpu', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await tf.setBackend(backend);
      const ids = tf.tensor1d([0, 0, 1], 'int32');
      const fromInt = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3], 'int32'), ids, 2);
      const fromBool = tf.unsortedSegmentSum(tf.tensor1d([true, false, true], 'bool'), ids, 2);
      expect([fromInt.dtype, fromBool.dtype], backend).toEqual(['float32', 'float32']);
      expect(await fromInt.array(), backend).toEqual([3, 3]);
      expect(await fromBool.array(), backend).toEqual([1, 1]);
      tf.dispose([ids, fromInt, fromBool]);
    }
  });

  it('handles an empty x (zero rows) like cpu, and numSegments 0 as an empty result (cpu throws)', async () => {
    await expectWasmMatchesCpu(
      'x [0, 3]',
      () => [tf.unsortedSegmentSum(tf.zeros([0, 3]), tf.tensor1d([], 'int32'), 2)],
      ['y'],
    );
    await tf.setBackend('wasm');
    const empty = tf.unsortedSegmentSum(tf.ones([3, 2]), tf.tensor1d([0, 1, 2], 'int32'), 0);
    expect(empty.shape).toEqual([0, 2]);
    empty.dispose();
  });

  it('keeps a NaN in its own segment (TensorFlow semantics; cpu spreads it to every segment)', async () => {
    await tf.setBackend('wasm');
    const y = tf.unsortedSegmentSum(tf.tensor2d([Number.NaN, 1, 2, 3], [2, 2]), tf.tensor1d([0, 1], 'int32'), 2);
    expect(await y.array()).toEqual([
      [Number.NaN, 1],
      [2, 3],
    ]);
    y.dispose();
  });

  it('refuses segmentIds that are not 1-D of length x.shape[0], and a scalar x, with a typed error', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.unsortedSegmentSum(tf.ones([2, 2]), tf.tensor1d([0], 'int32'), 2)).toThrow(InvalidArgumentError);
    expect(() => tf.unsortedSegmentSum(tf.ones([2, 2]), tf.tensor1d([0], 'int32'), 2)).toThrow(
      /segmentIds: expected a 1-D tensor of length x.shape\[0\] = 2 .*received shape \[1\]/,
    );
    // The op's typings ask for 1-D ids, but it passes any rank to the kernel.
    const ids2d = tf.ones([2, 2], 'int32') as unknown as tf.Tensor1D;
    expect(() => tf.unsortedSegmentSum(tf.ones([2, 2, 2]), ids2d, 2)).toThrow(InvalidArgumentError);
    const scalarId = tf.scalar(0, 'int32') as unknown as tf.Tensor1D;
    expect(() => tf.unsortedSegmentSum(tf.scalar(3), scalarId, 2)).toThrow(/x: expected a tensor of rank >= 1/);
  });

  it('gives tf.gather gradients (any axis, repeated indices: the gradient of every embedding layer) like cpu', async () => {
    const random = seededRandom(5);
    const table = random.values(7 * 4 * 3);
    const compute = () => {
      const params = tf.tensor3d(table, [7, 4, 3]);
      const onAxis0 = tf.grad((p: tf.Tensor) =>
        tf
          .gather(p, tf.tensor1d([6, 0, 6, 2, 2, 2], 'int32'), 0)
          .square()
          .sum(),
      );
      const onAxis1 = tf.grad((p: tf.Tensor) =>
        tf
          .gather(p, tf.tensor2d([3, 3, 0, 1], [2, 2], 'int32'), 1)
          .sin()
          .sum(),
      );
      return [onAxis0(params), onAxis1(params)];
    };
    await expectWasmMatchesCpu('gather gradients', compute, ['axis 0', 'axis 1']);
  });
});
