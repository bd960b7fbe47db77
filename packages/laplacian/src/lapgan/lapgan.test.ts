import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import {
  AdversarialTrainer,
  CheckpointError,
  deriveSeed,
  InvalidArgumentError,
  MemoryCheckpointStore,
  ShapeMismatchError,
} from '@ganforge/core';

import { buildGaussianPyramid } from '../pyramid/pyramids.js';
import { pyrUp } from '../pyramid/pyr-up.js';
import { TooManyPyramidLevelsError } from '../pyramid/pyramid-levels.js';
import { LapGan } from './lapgan.js';
import { lapganLevel } from './lapgan-models.js';
import { LapGanSampler } from './lapgan-sampler.js';
import { levelProgression } from './level-progression.js';

// Tiny models: a few steps take milliseconds on the cpu backend.
const tiny = () => lapganLevel({ filters: 2, kernelSize: 3, hiddenUnits: 8 });
const threeLevels = (extra: { classes?: number; seed?: number } = {}) =>
  new LapGan({ imageShape: [12, 10, 2], levels: [tiny(), tiny(), tiny()], seed: 3, ...extra });

function images(count = 16, seed = 1): tf.Tensor4D {
  return tf.randomUniform([count, 12, 10, 2], -1, 1, 'float32', seed) as tf.Tensor4D;
}

function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

async function batchOf(dataset: ReturnType<LapGan['levelDataset']>) {
  for await (const batch of dataset.batches(dataset.size, { seed: 0 })) return batch;
  throw new Error('empty data set');
}

describe('LapGan levels', () => {
  it('sizes levels like the pyramid and gives finer levels (residual, upsampled coarser image) data', async () => {
    const lapgan = threeLevels();
    expect(lapgan.sizes).toEqual([
      [12, 10],
      [6, 5],
      [3, 3],
    ]);
    expect(lapgan.spec(0)).toMatchObject({
      coarsest: false,
      height: 12,
      width: 10,
      noiseDim: 120,
      conditionChannels: 2,
    });
    expect(lapgan.spec(2)).toMatchObject({ coarsest: true, height: 3, width: 3, noiseDim: 100, conditionChannels: 0 });

    const x = images(4);
    const gaussian = buildGaussianPyramid(x, 3);
    // Level 1: real = G1 - pyrUp(G2), condition = pyrUp(G2); together they give back G1.
    const level1 = lapgan.levelDataset(1, x);
    const batch = await batchOf(level1);
    expect(batch.real.shape).toEqual([4, 6, 5, 2]);
    expect(batch.condition!.shape).toEqual([4, 6, 5, 2]);
    const upsampled = pyrUp(gaussian[2]!, [6, 5]);
    // The data set shuffles; compare sorted sums of each example to avoid depending on the order.
    const order = (t: tf.Tensor) => Array.from(tf.tidy(() => t.sum([1, 2, 3]).dataSync())).sort();
    expect(order(tf.add(batch.real, batch.condition!))).toEqual(
      order(gaussian[1]!).map((v) => expect.closeTo(v, 4)) as never,
    );
    expect(order(batch.condition!)).toEqual(order(upsampled).map((v) => expect.closeTo(v, 4)) as never);
    // The coarsest level is the coarsest Gaussian image itself, with no condition.
    const coarsest = await batchOf(lapgan.levelDataset(2, x));
    expect(coarsest.condition).toBeUndefined();
    expect(order(coarsest.real)).toEqual(order(gaussian[2]!).map((v) => expect.closeTo(v, 4)) as never);
    tf.dispose([x, upsampled, batch.real, batch.condition!, coarsest.real, ...gaussian]);
    level1.dispose();
    lapgan.dispose();
  });

  it('adds one constant plane per class to finer conditions and a one-hot class to the coarsest level', async () => {
    const lapgan = threeLevels({ classes: 3 });
    expect(lapgan.spec(0).conditionChannels).toBe(5);
    const x = images(3);
    const data = lapgan.levelDataset(0, x, { labels: [2, 0, 1] });
    const batch = await batchOf(data);
    expect(batch.condition!.shape).toEqual([3, 12, 10, 5]);
    // Each example's class planes are constant and one-hot; the label is recoverable from any pixel.
    const planes = tf.tidy(() => batch.condition!.slice([0, 0, 0, 2], [-1, -1, -1, 3]));
    const perPixel = tf.tidy(
      () =>
        planes
          .max([1, 2])
          .sub(planes.min([1, 2]))
          .max()
          .dataSync()[0],
    );
    expect(perPixel).toBe(0);
    expect(tf.tidy(() => planes.sum([1, 2, 3]).dataSync())).toEqual(new Float32Array([120, 120, 120]));
    const coarsest = await batchOf(lapgan.levelDataset(2, x, { labels: [2, 0, 1] }));
    expect(coarsest.condition!.shape).toEqual([3, 3]);
    expect(Array.from(tf.tidy(() => coarsest.condition!.sum(0).dataSync()))).toEqual([1, 1, 1]);
    tf.dispose([x, planes, batch.real, batch.condition!, coarsest.real, coarsest.condition!]);
    data.dispose();
    lapgan.dispose();
  });

  it('trains each level with an AdversarialTrainer whose D sees (residual, condition), tensor count flat', async () => {
    const lapgan = threeLevels();
    const x = images(16);
    for (const level of [0, 2]) {
      const trainer = lapgan.trainer(level);
      expect(trainer).toBeInstanceOf(AdversarialTrainer);
      const checkpoint = await trainer.checkpoint();
      const conditional = level < 2;
      expect(checkpoint.config['generatorInputs']).toEqual(conditional ? ['noise', 'condition'] : ['noise']);
      expect(checkpoint.config['discriminatorInputs']).toEqual(conditional ? ['image', 'condition'] : ['image']);
      const data = lapgan.levelDataset(level, x);
      await lapgan.fitLevel(level, data, { batchSize: 4, steps: 2 });
      const counts: number[] = [];
      const summary = await lapgan.fitLevel(level, data, {
        batchSize: 4,
        steps: 10,
        onStep: () => void counts.push(tf.memory().numTensors),
      });
      expect(summary.step).toBe(12);
      expect(new Set(counts).size).toBe(1);
      data.dispose();
    }
    x.dispose();
    lapgan.dispose();
  });
});

describe('LapGan checkpoints and sampling', () => {
  it('trains levels in any order into per-level checkpoints that rebuild the same sampler', async () => {
    const store = new MemoryCheckpointStore();
    const x = images(16);
    const labels = Array.from({ length: 16 }, (_, index) => index % 3);
    const lapgan = threeLevels({ classes: 3 });
    for (const level of [1, 2, 0]) {
      const data = lapgan.levelDataset(level, x, { labels });
      await lapgan.fitLevel(level, data, {
        batchSize: 4,
        steps: 3,
        checkpoints: { store, metadata: { note: 'kept' } },
      });
      data.dispose();
    }
    expect(await store.list()).toEqual(['level-0', 'level-1', 'level-2']);
    const level0 = (await store.load('level-0'))!;
    expect(level0.metadata).toEqual({
      note: 'kept',
      lapgan: { level: 0, levels: 3, imageShape: [12, 10, 2], classes: 3 },
    });

    const expected = lapgan.sample({ count: 6, seed: 9, classes: [0, 1, 2, 2, 1, 0] });
    // A fresh LapGan restored level by level samples the same images ...
    const restored = threeLevels({ classes: 3 });
    for (const level of [2, 0, 1]) await restored.restoreLevel(level, (await store.load(`level-${level}`))!);
    const again = restored.sample({ count: 6, seed: 9, classes: [0, 1, 2, 2, 1, 0] });
    expect(maxDifference(again, expected)).toBe(0);
    // ... and so do the generators alone, loaded from the checkpoints in any order.
    const checkpoints = await Promise.all(['level-2', 'level-0', 'level-1'].map((name) => store.load(name)));
    const sampler = await LapGanSampler.fromCheckpoints(checkpoints);
    expect(sampler.classes).toBe(3);
    const fromGenerators = sampler.sample({ count: 6, seed: 9, classes: [0, 1, 2, 2, 1, 0] });
    expect(maxDifference(fromGenerators, expected)).toBeLessThan(1e-6);
    const other = sampler.sample({ count: 6, seed: 10, classes: [0, 1, 2, 2, 1, 0] });
    expect(maxDifference(other, expected)).toBeGreaterThan(1e-3);

    tf.dispose([x, expected, again, fromGenerators, other]);
    for (const model of [lapgan, restored, sampler]) model.dispose();
  });

  it('samples coarse to fine: each level is the upsampled coarser level plus its residual, in [-1, 1]', () => {
    const lapgan = threeLevels();
    for (let level = 0; level < 3; level++) lapgan.trainer(level); // build the models before counting tensors
    const before = tf.memory().numTensors;
    const { images: finished, levels } = lapgan.sample({ count: 5, seed: 2, returnLevels: true });
    expect(levels.map((level) => level.shape)).toEqual([
      [5, 12, 10, 2],
      [5, 6, 5, 2],
      [5, 3, 3, 2],
    ]);
    expect(maxDifference(finished, levels[0]!)).toBe(0);
    // Level 1 = clip(l_1 + G_1(z_1, l_1)) with l_1 = pyrUp(level 2): recompute it with level 1's noise seed.
    const recomputed = tf.tidy(() => {
      const upsampled = pyrUp(levels[2]!, [6, 5]);
      const residual = lapgan
        .trainer(1)
        .generate({ count: 5, seed: deriveSeed(2, 'lapgan-sample', 1), condition: upsampled });
      return tf.clipByValue(tf.add(upsampled, residual), -1, 1);
    });
    expect(maxDifference(recomputed, levels[1]!)).toBeLessThan(1e-6);
    for (const level of levels) {
      const [low, high] = tf.tidy(() => [level.min().dataSync()[0]!, level.max().dataSync()[0]!]);
      expect(low).toBeGreaterThanOrEqual(-1);
      expect(high).toBeLessThanOrEqual(1);
    }
    const grid = levelProgression(levels);
    expect(grid.shape).toEqual([15, 12, 10, 2]);
    // Row 0 of the grid: sample 0 at level 2 (scaled up), level 1, level 0.
    expect(tf.tidy(() => maxDifference(grid.slice(2, 1), finished.slice(0, 1)))).toBe(0);
    // One row per level instead: the last row holds the finished images in order.
    const byLevel = levelProgression(levels, { arrangement: 'level-per-row' });
    expect(tf.tidy(() => maxDifference(byLevel.slice(10, 5), finished))).toBe(0);
    expect(() => levelProgression(levels, { arrangement: 'diagonal' as never })).toThrow(
      "options.arrangement: expected 'image-per-row' or 'level-per-row', received \"diagonal\".",
    );
    tf.dispose([finished, ...levels, recomputed, grid, byLevel]);
    expect(tf.memory().numTensors).toBe(before);
    lapgan.dispose();
  });
});

describe('LapGan errors', () => {
  it('rejects too many levels, bad images, labels and builders', () => {
    expect(() => new LapGan({ imageShape: [4, 4, 1], levels: [tiny(), tiny(), tiny(), tiny()] })).toThrow(
      TooManyPyramidLevelsError,
    );
    expect(() => new LapGan({ imageShape: [4, 4, 1], levels: [] })).toThrow(
      'options.levels: expected one level config per pyramid level',
    );
    const lapgan = threeLevels();
    const wrong = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    expect(() => lapgan.levelDataset(0, wrong)).toThrow(
      "images: expected images of shape [N, 12, 10, 2] (this LAPGAN's imageShape), received shape [2, 28, 28, 1].",
    );
    expect(() => lapgan.levelDataset(3, wrong)).toThrow('level: expected an integer in [0, 2], received 3.');
    const x = images(2);
    expect(() => lapgan.levelDataset(0, x, { labels: [0, 1] })).toThrow(InvalidArgumentError);
    expect(() => lapgan.sample({ count: 2, classes: [0, 1] })).toThrow('options.classes: expected no classes');
    const conditional = threeLevels({ classes: 3 });
    expect(() => conditional.levelDataset(0, x)).toThrow('options.labels: expected one class label per image');
    expect(() => conditional.levelDataset(0, x, { labels: [0, 3] })).toThrow(
      'options.labels[1]: expected an integer in [0, 2], received 3.',
    );
    expect(() => conditional.sample({ count: 2, classes: [1] })).toThrow(
      'options.classes: expected 2 labels, one per image',
    );
    const badBuilder = new LapGan({
      imageShape: [12, 10, 2],
      levels: [{ ...tiny(), generator: (spec) => tiny().generator({ ...spec, height: 6 }) }, tiny()],
    });
    expect(() => badBuilder.trainer(0)).toThrow(ShapeMismatchError);
    expect(() => badBuilder.trainer(0)).toThrow(
      "options.levels[0].generator(spec) output: expected shape [batch, 12, 10, 2] (level 0's residual), received [-1, 6, 10, 2].",
    );
    tf.dispose([wrong, x]);
    for (const model of [lapgan, conditional, badBuilder]) model.dispose();
  });

  it('refuses a checkpoint of another level or another LAPGAN', async () => {
    const lapgan = threeLevels();
    const level1 = await lapgan.checkpointLevel(1);
    await expect(lapgan.restoreLevel(0, level1)).rejects.toThrow(
      'checkpoint: it is level 1 of a 3-level LAPGAN for [12, 10, 2] images; expected level 0 of this 3-level LAPGAN for [12, 10, 2].',
    );
    const plain = await lapgan.trainer(1).checkpoint();
    await expect(lapgan.restoreLevel(1, plain)).rejects.toThrow(CheckpointError);
    await expect(LapGanSampler.fromCheckpoints([level1])).rejects.toThrow(
      'checkpoints: expected all 3 levels, missing levels 0, 2.',
    );
    await expect(LapGanSampler.fromCheckpoints([level1, undefined])).rejects.toThrow('checkpoints[1]: missing');
    lapgan.dispose();
  });
});
