import { InvalidArgumentError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';

import { srganDiscriminator } from '../models/srgan-discriminator.js';
import { srresnet } from '../models/srresnet.js';
import { bicubicResize } from '../resize/bicubic-resize.js';
import { srganTrainer } from './srgan-trainer.js';
import { dihedral, SuperResolutionDataset } from './super-resolution-dataset.js';
import { trainSrresnet } from './train-srresnet.js';

/** Smooth synthetic "photos" (0-255) that a tiny network can learn to upscale. */
function photos(): tf.Tensor3D[] {
  return [0, 1].map((index) =>
    tf.tidy(() => {
      const [height, width] = index === 0 ? [40, 48] : [32, 32];
      const y = tf.linspace(0, 6, height).reshape([height, 1, 1]);
      const x = tf.linspace(0, 6, width).reshape([1, width, 1]);
      const phase = tf.tensor1d([0, 1, 2]).reshape([1, 1, 3]);
      return tf
        .sin(y.add(x.mul(index + 1)).add(phase))
        .add(1)
        .mul(127.5) as tf.Tensor3D;
    }),
  );
}

async function collect(dataset: SuperResolutionDataset, batchSize: number, seed: number) {
  const batches: { real: number[]; input: number[] }[] = [];
  for await (const batch of dataset.batches(batchSize, { seed })) {
    batches.push({ real: Array.from(await batch.real.data()), input: Array.from(await batch.input!.data()) });
    expect(batch.real.shape).toEqual([batchSize, 16, 16, 3]);
    expect(batch.input!.shape).toEqual([batchSize, 4, 4, 3]);
    tf.dispose([batch.real, batch.input!]);
  }
  return batches;
}

describe('dihedral', () => {
  it('gives the 8 symmetries of the square (2x2 written out by hand)', () => {
    const image = tf.tensor3d([1, 2, 3, 4], [2, 2, 1]); // [[1, 2], [3, 4]]
    const results = Array.from({ length: 8 }, (_, t) => Array.from(dihedral(image, t).dataSync()));
    expect(results[0]).toEqual([1, 2, 3, 4]);
    expect(results[1]).toEqual([2, 4, 1, 3]); // a quarter turn counter-clockwise
    expect(results[2]).toEqual([4, 3, 2, 1]);
    expect(results[4]).toEqual([2, 1, 4, 3]); // mirrored left-right
    expect(new Set(results.map((r) => r.join()))).toHaveProperty('size', 8);
    image.dispose();
  });
});

describe('SuperResolutionDataset', () => {
  it('yields seeded HR crops in [-1, 1] with their 8-bit bicubic x1/4 twins', async () => {
    const images = photos();
    const dataset = new SuperResolutionDataset({ images, cropSize: 16, scale: 4, cropsPerEpoch: 12 });
    tf.dispose(images);
    const first = await collect(dataset, 4, 1);
    expect(first).toHaveLength(3);
    expect(await collect(dataset, 4, 1)).toEqual(first);
    expect(await collect(dataset, 4, 2)).not.toEqual(first);
    const before = tf.memory().numTensors;
    for await (const { real, input } of dataset.batches(4, { seed: 3 })) {
      tf.tidy(() => {
        const pixels = real.add(1).mul(127.5) as tf.Tensor4D;
        const expected = bicubicResize(pixels, { scale: 0.25 }).round().clipByValue(0, 255);
        expect(input!.add(1).mul(127.5).sub(expected).abs().max().dataSync()[0]).toBeLessThan(1e-3);
        expect(real.min().dataSync()[0]).toBeGreaterThanOrEqual(-1);
        expect(real.max().dataSync()[0]).toBeLessThanOrEqual(1);
      });
      tf.dispose([real, input!]);
    }
    expect(tf.memory().numTensors).toBe(before);
    dataset.dispose();
  });

  it('names images that are smaller than a crop', () => {
    const small = tf.zeros([8, 20, 3]) as tf.Tensor3D;
    expect(() => new SuperResolutionDataset({ images: [small], cropSize: 16 })).toThrow(
      /options\.images\[0\]: expected shape \[>= 16, >= 16, 3\].*received \[8, 20, 3\]/,
    );
    expect(() => new SuperResolutionDataset({ images: [small], cropSize: 18, scale: 4 })).toThrow(InvalidArgumentError);
    small.dispose();
  });
});

describe('training', () => {
  it('trainSrresnet lowers the pixel MSE with a flat tensor count', async () => {
    const images = photos();
    const dataset = new SuperResolutionDataset({ images, cropSize: 16, scale: 4, cropsPerEpoch: 16 });
    tf.dispose(images);
    const generator = srresnet({ blocks: 1, filters: 4, scale: 4, seed: 1 });
    const losses: number[] = [];
    const counts: number[] = [];
    const summary = await trainSrresnet(generator, dataset, {
      batchSize: 4,
      steps: 25,
      learningRate: 3e-3,
      onStep: ({ loss }) => {
        losses.push(loss);
        counts.push(tf.memory().numTensors);
      },
    });
    expect(summary).toMatchObject({ steps: 25, stoppedBy: 'steps' });
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
    expect(new Set(counts.slice(2)).size).toBe(1);
    dataset.dispose();
    generator.dispose();
  });

  it('trainSrresnet names a data set that yields no batches instead of looping', async () => {
    const generator = srresnet({ blocks: 0, filters: 2, scale: 4 });
    const empty = { batches: async function* () {} };
    await expect(trainSrresnet(generator, empty, { batchSize: 2, steps: 3 })).rejects.toThrow(
      /dataset: expected a data set that yields at least one batch per pass, received an empty pass/,
    );
    generator.dispose();
  });

  it('srganTrainer trains G on content + 1e-3 x adversarial through the core trainer', async () => {
    const images = photos();
    const dataset = new SuperResolutionDataset({ images, cropSize: 16, scale: 4, cropsPerEpoch: 16 });
    tf.dispose(images);
    const trainer = srganTrainer({
      generator: srresnet({ blocks: 1, filters: 4, scale: 4, seed: 1 }),
      discriminator: srganDiscriminator({ size: 16, filters: 2, denseUnits: 4, seed: 2 }),
      totalVariationWeight: 1e-4,
    });
    const counts: number[] = [];
    const events: { generatorLoss: number; terms: Record<string, number> }[] = [];
    await trainer.fit(dataset, {
      batchSize: 4,
      steps: 6,
      onStep: (event) => {
        events.push(event);
        counts.push(tf.memory().numTensors);
      },
    });
    for (const { generatorLoss, terms } of events) {
      const expected = 1e-3 * terms['adversarial']! + terms['content_mse']! + 1e-4 * terms['total_variation']!;
      expect(generatorLoss).toBeCloseTo(expected, 5);
    }
    expect(new Set(counts.slice(2)).size).toBe(1);
    expect(() =>
      srganTrainer({ generator: trainer.generator, discriminator: trainer.discriminator, content: 'vgg' as never }),
    ).toThrow(/options\.content: expected 'mse' or a FeatureExtractor/);
    trainer.dispose();
    dataset.dispose();
  });
});

describe('trainSrresnet under GANFORGE_MAX_STEPS', () => {
  it('runs the capped number of steps and says so in one line', async () => {
    // Expected: min(25 requested, 3 from the variable) = 3 steps, by the rule of capTrainingSteps.
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.stubEnv('GANFORGE_MAX_STEPS', '3');
    const images = photos();
    const dataset = new SuperResolutionDataset({ images, cropSize: 16, scale: 4, cropsPerEpoch: 16 });
    tf.dispose(images);
    const generator = srresnet({ blocks: 0, filters: 2, scale: 4, seed: 1 });
    try {
      const summary = await trainSrresnet(generator, dataset, { batchSize: 4, steps: 25 });
      expect(summary).toMatchObject({ steps: 3, stoppedBy: 'steps' });
      expect(lines.mock.calls.map(([line]) => line)).toEqual([
        expect.stringMatching(/^\[ganforge\] GANFORGE_MAX_STEPS=3: trainSrresnet runs 3 of its 25 steps/),
      ]);
    } finally {
      vi.unstubAllEnvs();
      lines.mockRestore();
      dataset.dispose();
      generator.dispose();
    }
  });
});
