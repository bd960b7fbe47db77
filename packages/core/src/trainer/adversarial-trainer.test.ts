import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { MemoryCheckpointStore } from '../checkpoint/memory-checkpoint-store.js';
import { InvalidArgumentError, NonFiniteLossError, ShapeMismatchError } from '../errors.js';
import type { AdversarialLoss } from '../losses/adversarial-loss.js';
import { nonSaturatingLoss } from '../losses/non-saturating-loss.js';
import { wassersteinLoss } from '../losses/wasserstein-loss.js';
import { dcgan } from '../models/dcgan.js';
import { gradientPenalty } from '../regularizers/gradient-penalty.js';
import { TensorDataset } from '../tensor-dataset.js';
import {
  maxAbsDifference,
  PoisonedDataset,
  tinyData,
  tinyDiscriminator,
  tinyGenerator,
} from '../test-support/tiny-models.js';
import { AdversarialTrainer } from './adversarial-trainer.js';
import type { StepEvent } from './training-events.js';

function unconditionalTrainer(extra: Partial<ConstructorParameters<typeof AdversarialTrainer>[0]> = {}) {
  return new AdversarialTrainer({
    generator: tinyGenerator({ noiseDim: 3 }),
    discriminator: tinyDiscriminator(),
    noise: { dim: 3 },
    seed: 42,
    ...extra,
  });
}

function weightsOf(trainer: AdversarialTrainer): tf.Tensor[] {
  return [...trainer.generator.weights, ...trainer.discriminator.weights].map((weight) => weight.read());
}

describe('AdversarialTrainer', () => {
  it('keeps tf.memory().numTensors flat over 50 steps', async () => {
    const data = new TensorDataset({ real: tinyData(32) });
    const trainer = unconditionalTrainer({ ema: { decay: 0.9 }, regularizers: [gradientPenalty({ weight: 1 })] });
    await trainer.fit(data, { batchSize: 8, steps: 2 }); // optimizer slots are created on the first steps
    const counts: number[] = [];
    await trainer.fit(data, { batchSize: 8, steps: 50, onStep: () => void counts.push(tf.memory().numTensors) });
    expect(counts).toHaveLength(50);
    expect(new Set(counts).size).toBe(1);
  });

  it('writes checkpoints without leaking tensors', async () => {
    const trainer = unconditionalTrainer({ ema: { decay: 0.9 } });
    await trainer.fit(new TensorDataset({ real: tinyData(16) }), { batchSize: 8, steps: 2 });
    const before = tf.memory().numTensors;
    await trainer.checkpoint();
    await trainer.checkpoint();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the tensor count flat for a convolutional DCGAN too', async () => {
    const { generator, discriminator } = dcgan({ size: 28, latentDim: 4, filters: 2 });
    const data = new TensorDataset({ real: tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 1) });
    const trainer = new AdversarialTrainer({ generator, discriminator, noise: { dim: 4 } });
    await trainer.fit(data, { batchSize: 4, steps: 2 });
    const before = tf.memory().numTensors;
    await trainer.fit(data, { batchSize: 4, steps: 6 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('learns: the generator moves towards the data (mean of a 1-D target)', async () => {
    // Real data: N(0.7, 0.05) in one dimension; G starts near 0. After training, its samples'
    // mean must be near 0.7: a GAN that learns nothing cannot pass this.
    const real = tf.randomNormal([256, 1], 0.7, 0.05, 'float32', 3);
    const trainer = new AdversarialTrainer({
      generator: tinyGenerator({ noiseDim: 2, outputDim: 1 }),
      discriminator: tinyDiscriminator({ inputDim: 1 }),
      noise: { dim: 2 },
      generatorOptimizer: { type: 'adam', learningRate: 5e-3, beta1: 0.5 },
      discriminatorOptimizer: { type: 'adam', learningRate: 5e-3, beta1: 0.5 },
      ema: { decay: 0.98 }, // averages out the adversarial oscillation around the target
      seed: 3,
    });
    const meanOf = () => tf.tidy(() => trainer.generate({ count: 512, seed: 9 }).mean().dataSync()[0]!);
    const initial = meanOf();
    await trainer.fit(new TensorDataset({ real }), { batchSize: 32, steps: 400 });
    expect(Math.abs(initial - 0.7)).toBeGreaterThan(0.3);
    expect(meanOf()).toBeCloseTo(0.7, 1);
  });

  it('resumes exactly: N steps, save, load, M steps equals N + M straight', async () => {
    const build = () => unconditionalTrainer({ ema: { decay: 0.95 }, discriminatorStepsPerGeneratorStep: 2 });
    const data = new TensorDataset({ real: tinyData(20) }); // 20 / 4 = 5 batches: epochs end mid-step

    const straight = build();
    await straight.fit(data, { batchSize: 4, steps: 7 });

    const store = new MemoryCheckpointStore();
    const first = build();
    await first.fit(data, { batchSize: 4, steps: 3, checkpoints: { store } });
    const resumed = build();
    await resumed.restore((await store.load('latest'))!);
    expect(resumed.step).toBe(3);
    await resumed.fit(data, { batchSize: 4, steps: 4 });

    expect(resumed.step).toBe(7);
    expect(resumed.epoch).toBe(straight.epoch);
    expect(maxAbsDifference(weightsOf(resumed), weightsOf(straight))).toBe(0);
    const sampleA = resumed.generate({ count: 4, seed: 1 });
    const sampleB = straight.generate({ count: 4, seed: 1 });
    expect(maxAbsDifference([sampleA], [sampleB])).toBe(0);
  });

  it('stops on a NaN loss, names the step and the loss, and keeps the last good checkpoint', async () => {
    const store = new MemoryCheckpointStore();
    const trainer = unconditionalTrainer();
    const run = trainer.fit(new PoisonedDataset(tinyData(40), 3), {
      batchSize: 8,
      steps: 10,
      checkpoints: { store, every: 1 },
    });
    const error = await run.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).step).toBe(4);
    expect((error as Error).message).toMatch(/step 4: the discriminator\w* loss is NaN/);
    const kept = await store.load('latest');
    expect(kept?.step).toBe(3);
    const restored = unconditionalTrainer();
    await restored.restore(kept!);
    expect(Number.isFinite(weightsOf(restored)[0]!.sum().dataSync()[0])).toBe(true);
  });

  it('stops cleanly between steps on abort and writes a checkpoint', async () => {
    const controller = new AbortController();
    const store = new MemoryCheckpointStore();
    const reasons: string[] = [];
    const summary = await unconditionalTrainer().fit(new TensorDataset({ real: tinyData(32) }), {
      batchSize: 8,
      steps: 100,
      signal: controller.signal,
      checkpoints: { store },
      onStep: (event) => {
        if (event.step === 3) controller.abort();
      },
      onCheckpoint: (event) => void reasons.push(event.reason),
    });
    expect(summary.stoppedBy).toBe('abort');
    expect(summary.step).toBe(3);
    expect(reasons).toEqual(['abort']);
    expect((await store.load('latest'))?.step).toBe(3);
  });

  it('is async-iterable, yielding one event per step', async () => {
    const events: StepEvent[] = [];
    for await (const event of unconditionalTrainer().fit(new TensorDataset({ real: tinyData(16) }), {
      batchSize: 8,
      steps: 4,
    })) {
      events.push(event);
    }
    expect(events.map((event) => event.step)).toEqual([1, 2, 3, 4]);
    expect(events[1]!.epoch).toBe(1); // 16 / 8 = 2 batches per pass
    expect(Object.keys(events[0]!.terms).sort()).toEqual(['adversarial', 'discriminator_adversarial']);
  });

  it('counts epochs and stops after the requested number', async () => {
    const summary = await unconditionalTrainer().fit(new TensorDataset({ real: tinyData(16) }), {
      batchSize: 4,
      epochs: 2,
    });
    expect(summary).toMatchObject({ stoppedBy: 'epochs', step: 8, epoch: 2 });
  });

  it('emits samples from fixed noise every K steps', async () => {
    const samples: number[][] = [];
    const steps: number[] = [];
    await unconditionalTrainer().fit(new TensorDataset({ real: tinyData(16) }), {
      batchSize: 8,
      steps: 4,
      samples: { every: 2, count: 5 },
      onSample: ({ step, images }) => {
        steps.push(step);
        expect(images.shape).toEqual([5, 6]);
        samples.push(Array.from(images.dataSync()));
      },
    });
    expect(steps).toEqual([2, 4]);
    expect(samples[0]).not.toEqual(samples[1]); // same noise, trained weights changed
  });

  it('treats seed 0 as a seed: generate() repeats with seed 0 (also the default) and differs from seed 1', () => {
    const trainer = unconditionalTrainer({ seed: 0 });
    const draw = (seed?: number) =>
      tf.tidy(() => Array.from(trainer.generate({ count: 4, ...(seed === undefined ? {} : { seed }) }).dataSync()));
    // tfjs's randomNormal reads seed 0 as "no seed"; before tfjsSeed each call drew fresh noise.
    expect(draw(0)).toEqual(draw(0));
    expect(draw()).toEqual(draw(0));
    expect(draw(0)).not.toEqual(draw(1));
  });

  it('keeps an exponential moving average of the generator weights', async () => {
    const trainer = unconditionalTrainer({ ema: { decay: 0.5, warmup: false } });
    const kernel = () => trainer.generator.trainableWeights[0]!.read().clone();
    const before = kernel();
    await trainer.fit(new TensorDataset({ real: tinyData(16) }), { batchSize: 8, steps: 1 });
    const after = kernel();
    const checkpoint = await trainer.checkpoint();
    const { loadGenerator } = await import('../checkpoint/load-generator.js');
    const averaged = (await loadGenerator(checkpoint, { ema: true })).trainableWeights[0]!.read();
    // One update with decay 0.5: ema = 0.5 * w_before + 0.5 * w_after.
    expect(maxAbsDifference([averaged], [before.mul(0.5).add(after.mul(0.5))])).toBeLessThan(1e-6);
    expect(maxAbsDifference([before], [after])).toBeGreaterThan(0);
  });

  it('warms the EMA decay up as min(decay, (1 + t) / (10 + t))', async () => {
    const trainer = unconditionalTrainer({ ema: { decay: 0.999 } });
    const before = trainer.generator.trainableWeights[0]!.read().clone();
    await trainer.fit(new TensorDataset({ real: tinyData(16) }), { batchSize: 8, steps: 1 });
    const after = trainer.generator.trainableWeights[0]!.read();
    const { loadGenerator } = await import('../checkpoint/load-generator.js');
    const averaged = (await loadGenerator(await trainer.checkpoint(), { ema: true })).trainableWeights[0]!.read();
    // First update (t = 0): decay = min(0.999, 1 / 10) = 0.1.
    expect(maxAbsDifference([averaged], [before.mul(0.1).add(after.mul(0.9))])).toBeLessThan(1e-6);
  });

  it('trains a class-conditional GAN: the condition reaches G and D', async () => {
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3).toFloat();
    const trainer = new AdversarialTrainer({
      generator: tinyGenerator({ noiseDim: 3, conditionDim: 3 }),
      discriminator: tinyDiscriminator({ conditionDim: 3 }),
      noise: { dim: 3 },
    });
    // The condition columns of the first dense kernels are the last 3 rows of each.
    const conditionRows = (model: tf.LayersModel, from: number) =>
      model.trainableWeights[0]!.read().slice([from, 0], [3, -1]).clone();
    const gBefore = conditionRows(trainer.generator, 3);
    const dBefore = conditionRows(trainer.discriminator, 6);
    await trainer.fit(new TensorDataset({ real: tinyData(8), condition: labels }), { batchSize: 4, steps: 3 });
    expect(maxAbsDifference([conditionRows(trainer.generator, 3)], [gBefore])).toBeGreaterThan(0);
    expect(maxAbsDifference([conditionRows(trainer.discriminator, 6)], [dBefore])).toBeGreaterThan(0);
    const conditional = trainer.generate({ count: 3, condition: tf.eye(3) });
    expect(conditional.shape).toEqual([3, 6]);
  });

  it('matching-aware objective (GAN-CLS) scores {real, wrong condition} and averages it with {fake, right}', async () => {
    const recorded: { real: number[]; fake: number[] }[] = [];
    const base = nonSaturatingLoss();
    const recordingLoss: AdversarialLoss = {
      ...base,
      discriminator(realLogits, fakeLogits) {
        recorded.push({ real: Array.from(realLogits.dataSync()), fake: Array.from(fakeLogits.dataSync()) });
        return base.discriminator(realLogits, fakeLogits);
      },
    };
    const condition = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
    ]);
    const real = tinyData(4);
    const discriminator = tinyDiscriminator({ conditionDim: 2 });
    const trainer = new AdversarialTrainer({
      generator: tinyGenerator({ noiseDim: 3, conditionDim: 2 }),
      discriminator,
      noise: { dim: 3 },
      loss: recordingLoss,
      discriminatorObjective: 'matching-aware',
    });
    // Before the update, D's logits on real images with conditions rolled by one row.
    const rolled = tf.concat([condition.slice(1, 3), condition.slice(0, 1)]);
    const expectedWrong = Array.from((discriminator.apply([real, rolled], { training: true }) as tf.Tensor).dataSync());
    const expectedReal = Array.from(
      (discriminator.apply([real, condition], { training: true }) as tf.Tensor).dataSync(),
    );
    const events: StepEvent[] = [];
    await trainer.fit(new UnshuffledDataset(real, condition), {
      batchSize: 4,
      steps: 1,
      onStep: (event) => void events.push(event),
    });

    expect(recorded).toHaveLength(2); // L(real, wrong) and L(real, fake)
    recorded[0]!.fake.forEach((value, index) => expect(value).toBeCloseTo(expectedWrong[index]!, 5));
    recorded[0]!.real.forEach((value, index) => expect(value).toBeCloseTo(expectedReal[index]!, 5));
    const [first, second] = recorded.map(({ real: r, fake: f }) =>
      tf.tidy(() => base.discriminator(tf.tensor(r), tf.tensor(f)).dataSync()[0]!),
    );
    expect(events[0]!.terms['discriminator_adversarial']).toBeCloseTo(0.5 * (first! + second!), 5);
  });

  it('trains an image-input generator with a weighted content term beside the adversarial one (SRGAN)', async () => {
    const highRes = tinyData(16, 6, 8);
    const lowRes = tf.tidy(() => highRes.reshape([16, 3, 2]).mean(2)); // "downsampled" input
    const contentWeight = 1;
    const adversarialWeight = 1e-3;
    const events: StepEvent[] = [];
    const trainer = new AdversarialTrainer({
      generator: tinyGenerator({ inputDim: 3 }),
      discriminator: tinyDiscriminator(),
      noise: false,
      adversarialWeight,
      generatorOptimizer: { type: 'adam', learningRate: 1e-2 },
      generatorTerms: [
        {
          name: 'content',
          weight: contentWeight,
          compute: ({ fake, batch }) => tf.losses.meanSquaredError(batch.real, fake) as tf.Scalar,
        },
      ],
    });
    await trainer.fit(new TensorDataset({ real: highRes, input: lowRes }), {
      batchSize: 8,
      steps: 150,
      onStep: (e) => void events.push(e),
    });
    const first = events[0]!;
    const last = events.at(-1)!;
    expect(first.terms['content']).toBeDefined();
    // G's loss is exactly 1e-3 * adversarial + 1 * content.
    expect(last.generatorLoss).toBeCloseTo(
      adversarialWeight * last.terms['adversarial']! + contentWeight * last.terms['content']!,
      5,
    );
    expect(last.terms['content']!).toBeLessThan(first.terms['content']! / 4);
  });

  it('runs several discriminator updates per generator update, each on its own batch', async () => {
    const summary = await unconditionalTrainer({ discriminatorStepsPerGeneratorStep: 3 }).fit(
      new TensorDataset({ real: tinyData(24) }),
      {
        batchSize: 4,
        steps: 2,
      },
    );
    expect(summary.epoch).toBe(1); // 2 steps x 3 batches = 6 batches = one pass
  });

  it('trains a WGAN-GP critic (double backprop through LeakyReLU)', async () => {
    const events: StepEvent[] = [];
    await unconditionalTrainer({ loss: wassersteinLoss(), regularizers: [gradientPenalty({ weight: 10 })] }).fit(
      new TensorDataset({ real: tinyData(16) }),
      { batchSize: 8, steps: 3, onStep: (e) => void events.push(e) },
    );
    expect(events[2]!.terms['gradient-penalty']).toBeGreaterThan(0);
  });

  it('validates its options and batches with named errors', async () => {
    expect(
      () =>
        new AdversarialTrainer({
          generator: {} as tf.LayersModel,
          discriminator: tinyDiscriminator(),
          noise: { dim: 3 },
        }),
    ).toThrow(/options.generator: expected a tf.LayersModel/);
    expect(() => unconditionalTrainer({ noise: { dim: 0 } })).toThrow(
      /options.noise.dim: expected an integer in \[1, 65536\], received 0/,
    );
    expect(() => unconditionalTrainer({ discriminatorObjective: 'matching-aware' })).toThrow(
      /a discriminator that takes a condition/,
    );
    expect(() => unconditionalTrainer({ generatorInputs: ['noise', 'condition'] })).toThrow(
      /options.generatorInputs: expected 1 entry/,
    );
    const trainer = unconditionalTrainer();
    expect(() => trainer.fit(new TensorDataset({ real: tinyData(8) }), { batchSize: 0, steps: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => trainer.fit(new TensorDataset({ real: tinyData(8) }), { batchSize: 4 })).toThrow(
      /at least one of steps, epochs/,
    );
    const wrongShape = trainer.fit(new TensorDataset({ real: tf.zeros([8, 5]) }), { batchSize: 4, steps: 1 });
    await expect(wrongShape.then()).rejects.toThrow(ShapeMismatchError);
    await expect(wrongShape.then()).rejects.toThrow(
      /generator output: expected shape \[4, 5\] \(the shape of batch.real\), received \[4, 6\]/,
    );
    const conditional = new AdversarialTrainer({
      generator: tinyGenerator({ noiseDim: 3, conditionDim: 2 }),
      discriminator: tinyDiscriminator({ conditionDim: 2 }),
      noise: { dim: 3 },
    });
    await expect(
      conditional.fit(new TensorDataset({ real: tinyData(8) }), { batchSize: 4, steps: 1 }).then(),
    ).rejects.toThrow(/batch.condition: expected a tensor, because the models take this input, received undefined/);
  });
});

/** Yields the data in order, one batch, so a test knows which conditions are rolled. */
class UnshuffledDataset {
  readonly size: number;
  constructor(
    private readonly real: tf.Tensor,
    private readonly condition: tf.Tensor,
  ) {
    this.size = real.shape[0]!;
  }
  async *batches() {
    yield { real: this.real.clone(), condition: this.condition.clone() };
  }
}
