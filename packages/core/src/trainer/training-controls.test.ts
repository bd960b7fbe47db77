import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import type { Checkpoint } from '../checkpoint/checkpoint.js';
import { MemoryCheckpointStore } from '../checkpoint/memory-checkpoint-store.js';
import { deserializeTensors } from '../checkpoint/model-serialization.js';
import { CheckpointError, InvalidArgumentError } from '../errors.js';
import { dcgan } from '../models/dcgan.js';
import { TensorDataset } from '../tensor-dataset.js';
import { tinyData } from '../test-support/tiny-models.js';
import { tinyTrainer } from '../test-support/tiny-trainer.js';
import { trainingStateBytes } from '../test-support/training-state-bytes.js';
import { AdversarialTrainer } from './adversarial-trainer.js';
import type { OptimizerConfig } from './optimizer-config.js';
import type { StepEvent } from './training-events.js';

type TrainerOptions = ConstructorParameters<typeof AdversarialTrainer>[0];

/** The tiny models: the generator has BatchNorm, so a step that runs it in training mode moves its statistics. */
function build(extra: Partial<TrainerOptions> = {}) {
  return tinyTrainer({ ema: { decay: 0.9 }, seed: 3, ...extra });
}

function data(count = 24) {
  return new TensorDataset({ real: tinyData(count) });
}

/** Every trainable weight of the model, flattened, as plain numbers (a copy that outlives later steps). */
function trainableValues(model: tf.LayersModel): number[] {
  return model.trainableWeights.flatMap((weight) => Array.from(weight.read().dataSync()));
}

function differences(after: readonly number[], before: readonly number[]): number[] {
  return after.map((value, index) => value - before[index]!);
}

/** An optimizer's iteration count (how many updates it applied), read from a checkpoint. */
function iterations(checkpoint: Checkpoint, owner: 'generator' | 'discriminator'): number {
  const state = deserializeTensors(checkpoint.optimizers[owner]);
  try {
    return state[0]!.tensor.dataSync()[0]!;
  } finally {
    tf.dispose(state.map(({ tensor }) => tensor));
  }
}

async function lastEvent(run: AsyncIterable<StepEvent>): Promise<StepEvent> {
  let last: StepEvent | undefined;
  for await (const event of run) last = event;
  return last!;
}

describe('AdversarialTrainer.setLearningRates', () => {
  // The first update of Adam moves each coordinate by lr * g / (|g| + eps): lr up to eps / |g|. RMSProp
  // without momentum moves it by lr * g / sqrt((1 - decay) g^2 + eps): lr / sqrt(1 - decay) for a tiny eps.
  it.each<[string, OptimizerConfig, number]>([
    ['adam', { type: 'adam', learningRate: 1e-3, beta1: 0.5 }, 1],
    ['rmsprop', { type: 'rmsprop', learningRate: 1e-3, decay: 0.9, epsilon: 1e-14 }, 1 / Math.sqrt(0.1)],
  ])('a new rate sets the size of the next update (%s: the first step is closed form)', async (_, config, scale) => {
    const trainer = build({ discriminatorOptimizer: config });
    trainer.setLearningRates({ discriminator: 0.02 });
    const before = trainableValues(trainer.discriminator);
    await trainer.fit(data(), { batchSize: 4, steps: 1, updates: 'discriminator' });
    const moved = differences(trainableValues(trainer.discriminator), before);
    for (const delta of moved) expect(Math.abs(delta)).toBeCloseTo(0.02 * scale, 5);
    trainer.dispose();
  });

  it('scales an SGD update by the new rate: the same state and batch, rate x4 (D) and x2 (G), moves x4 and x2', async () => {
    const sgd: OptimizerConfig = { type: 'sgd', learningRate: 0.01 };
    const [kept, changed] = [0, 1].map(() => build({ generatorOptimizer: sgd, discriminatorOptimizer: sgd }));
    for (const trainer of [kept!, changed!]) await trainer.fit(data(), { batchSize: 4, steps: 2 });
    changed!.setLearningRates({ discriminator: 0.04, generator: 0.02 });
    expect(changed!.learningRates).toEqual({ generator: 0.02, discriminator: 0.04 });

    // SGD moves by -lr * g: with the same gradient g, the ratio of the moves is the ratio of the rates.
    const ratioOfMoves = async (owner: 'generator' | 'discriminator', updates: 'generator' | 'discriminator') => {
      const moves = [];
      for (const trainer of [kept!, changed!]) {
        const before = trainableValues(trainer[owner]);
        await trainer.fit(data(), { batchSize: 4, steps: 1, updates });
        moves.push(differences(trainableValues(trainer[owner]), before));
      }
      const [base, scaled] = moves;
      return base!.flatMap((delta, index) => (Math.abs(delta) > 1e-5 ? [scaled![index]! / delta] : []));
    };
    const discriminatorRatios = await ratioOfMoves('discriminator', 'discriminator');
    expect(discriminatorRatios.length).toBeGreaterThan(10);
    for (const ratio of discriminatorRatios) expect(ratio).toBeCloseTo(4, 2);
    // Both trainers' discriminators differ now; restore the same state before comparing the generators.
    await kept!.restore(await changed!.checkpoint());
    kept!.setLearningRates({ discriminator: 0.01, generator: 0.01 });
    const generatorRatios = await ratioOfMoves('generator', 'generator');
    expect(generatorRatios.length).toBeGreaterThan(10);
    for (const ratio of generatorRatios) expect(ratio).toBeCloseTo(2, 2);
  });

  it('throws a typed error naming the argument for a rate that is not finite and positive, and changes nothing', () => {
    const trainer = build();
    for (const bad of [0, -1e-3, Number.NaN, Number.POSITIVE_INFINITY, 11, '1e-3']) {
      expect(() => trainer.setLearningRates({ generator: 1e-3, discriminator: bad as number })).toThrow(
        expect.objectContaining({
          name: 'InvalidArgumentError',
          message: expect.stringContaining('rates.discriminator'),
        }),
      );
      expect(() => trainer.setLearningRates({ generator: bad as number })).toThrow(/rates\.generator/);
    }
    expect(() => trainer.setLearningRates(null as never)).toThrow(InvalidArgumentError);
    expect(trainer.learningRates).toEqual({ generator: 2e-4, discriminator: 2e-4 });
  });
});

describe('AdversarialTrainer.setDiscriminatorSteps', () => {
  it('runs k discriminator updates per step from the next step on, and counts them', async () => {
    const trainer = build();
    expect(trainer.discriminatorStepsPerGeneratorStep).toBe(1);
    await trainer.fit(data(), { batchSize: 4, steps: 2 });
    trainer.setDiscriminatorSteps(3);
    expect(trainer.discriminatorStepsPerGeneratorStep).toBe(3);
    const summary = await trainer.fit(data(), { batchSize: 4, steps: 2 });
    const checkpoint = await trainer.checkpoint();
    expect(iterations(checkpoint, 'discriminator')).toBe(2 * 1 + 2 * 3);
    expect(iterations(checkpoint, 'generator')).toBe(4);
    expect(checkpoint.config['discriminatorUpdates']).toBe(8);
    expect(summary.epoch).toBe(1); // 2 + 6 batches of 4 from 24 images: one pass and 2 batches
    expect(checkpoint.batchInEpoch).toBe(2);

    // Back to k = 1: step * k + dStep would be 4, a count step 3 already drew its noise from; the count goes on.
    trainer.setDiscriminatorSteps(1);
    await trainer.fit(data(), { batchSize: 4, steps: 1 });
    expect((await trainer.checkpoint()).config['discriminatorUpdates']).toBe(9);
  });

  it('takes a k set in onStep of a running fit from the next step on', async () => {
    const trainer = build();
    await trainer.fit(data(), {
      batchSize: 4,
      steps: 3,
      onStep: (event) => {
        if (event.step === 1) trainer.setDiscriminatorSteps(2);
      },
    });
    expect(iterations(await trainer.checkpoint(), 'discriminator')).toBe(1 + 2 + 2);
  });

  it('throws a typed error naming k for a k outside the integers 1..100', () => {
    const trainer = build();
    for (const bad of [0, 101, 1.5, Number.NaN, '2']) {
      expect(() => trainer.setDiscriminatorSteps(bad as number)).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', message: expect.stringContaining('k') }),
      );
    }
    expect(trainer.discriminatorStepsPerGeneratorStep).toBe(1);
  });
});

describe("FitOptions.updates: 'discriminator' | 'generator'", () => {
  it("'discriminator' updates D k times and leaves every generator weight, BatchNorm statistic, EMA and slot bit-identical", async () => {
    const trainer = build({ discriminatorStepsPerGeneratorStep: 2 });
    await trainer.fit(data(), { batchSize: 4, steps: 2 });
    const before = await trainingStateBytes(trainer);
    const checkpointBefore = await trainer.checkpoint();
    const event = await lastEvent(trainer.fit(data(), { batchSize: 4, steps: 1, updates: 'discriminator' }));
    const after = await trainingStateBytes(trainer);
    const checkpointAfter = await trainer.checkpoint();

    expect(after.generator).toEqual(before.generator);
    expect(after.generatorEma).toEqual(before.generatorEma);
    expect(after.generatorOptimizer).toEqual(before.generatorOptimizer);
    expect(after.discriminator).not.toEqual(before.discriminator);
    expect(iterations(checkpointAfter, 'discriminator') - iterations(checkpointBefore, 'discriminator')).toBe(2);
    expect(event.step).toBe(3);
    expect(Number.isFinite(event.discriminatorLoss) && Number.isFinite(event.generatorLoss)).toBe(true);
  });

  it("'discriminator' reports the generator's loss that a full step's generator update starts from", async () => {
    // Both trainers make the same D updates on the same batches; the full step's G update then
    // reports its loss before updating, on the same batch and noise: the D-only step's evaluation.
    const onlyD = build();
    const full = build();
    const evaluated = await lastEvent(onlyD.fit(data(), { batchSize: 4, steps: 1, updates: 'discriminator' }));
    const trained = await lastEvent(full.fit(data(), { batchSize: 4, steps: 1 }));
    expect(evaluated.generatorLoss).toBe(trained.generatorLoss);
    expect(evaluated.discriminatorLoss).toBe(trained.discriminatorLoss);
  });

  it("'generator' makes one generator update (and the EMA) and leaves the discriminator and its slots bit-identical", async () => {
    const trainer = build({ discriminatorStepsPerGeneratorStep: 3 });
    await trainer.fit(data(), { batchSize: 4, steps: 1 });
    const before = await trainingStateBytes(trainer);
    const checkpointBefore = await trainer.checkpoint();
    const event = await lastEvent(trainer.fit(data(), { batchSize: 4, steps: 1, updates: 'generator' }));
    const after = await trainingStateBytes(trainer);
    const checkpointAfter = await trainer.checkpoint();

    expect(after.discriminator).toEqual(before.discriminator);
    expect(after.discriminatorOptimizer).toEqual(before.discriminatorOptimizer);
    expect(after.generator).not.toEqual(before.generator);
    expect(after.generatorEma).not.toEqual(before.generatorEma);
    expect(iterations(checkpointAfter, 'generator') - iterations(checkpointBefore, 'generator')).toBe(1);
    expect(after.counters).toEqual({ step: 2, epoch: 0, batchInEpoch: 4 }); // 3 batches, then 1
    expect(checkpointAfter.config['discriminatorUpdates']).toBe(3);
    expect(Number.isFinite(event.discriminatorLoss) && Number.isFinite(event.generatorLoss)).toBe(true);
  });

  it("leaves the BatchNorm statistics of a DCGAN discriminator bit-identical in a generator-only step, and the generator's in a discriminator-only one", async () => {
    const { generator, discriminator } = dcgan({ size: 28, latentDim: 4, filters: 2 });
    expect(discriminator.nonTrainableWeights.length).toBeGreaterThan(0); // BatchNorm moving mean and variance
    const trainer = new AdversarialTrainer({ generator, discriminator, noise: { dim: 4 }, seed: 1 });
    const images = new TensorDataset({ real: tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 1) });
    await trainer.fit(images, { batchSize: 4, steps: 1 });
    const first = await trainingStateBytes(trainer);
    await trainer.fit(images, { batchSize: 4, steps: 1, updates: 'generator' });
    const second = await trainingStateBytes(trainer);
    expect(second.discriminator).toEqual(first.discriminator);
    expect(second.generator).not.toEqual(first.generator);
    await trainer.fit(images, { batchSize: 4, steps: 1, updates: 'discriminator' });
    const third = await trainingStateBytes(trainer);
    expect(third.generator).toEqual(second.generator);
    expect(third.discriminator).not.toEqual(second.discriminator);
    trainer.dispose();
  });

  it('throws a typed error for an unknown updates value', () => {
    expect(() => build().fit(data(), { batchSize: 4, steps: 1, updates: 'd' as never })).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', message: expect.stringContaining('options.updates') }),
    );
  });

  it('keeps tf.memory().numTensors flat over steps of every kind and live rate changes (SGD and Adam)', async () => {
    const trainer = build({ generatorOptimizer: { type: 'sgd', learningRate: 0.01 } });
    const images = data(); // one data set: each data() holds a new tensor
    const train = async () => {
      await trainer.fit(images, { batchSize: 4, steps: 1, updates: 'discriminator' });
      await trainer.fit(images, { batchSize: 4, steps: 1, updates: 'generator' });
      await trainer.fit(images, { batchSize: 4, steps: 1 });
      trainer.setLearningRates({ generator: 0.02, discriminator: 1e-3 });
      trainer.setDiscriminatorSteps(2);
    };
    await train(); // optimizer slots are created on the first updates
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) await train();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('checkpoints of live controls', () => {
  it('restore() keeps the new rates, k and the update count, and the resumed run continues bit-identically', async () => {
    const live = async (trainer: AdversarialTrainer) => {
      await trainer.fit(data(20), { batchSize: 4, steps: 2 });
      trainer.setLearningRates({ generator: 1e-3, discriminator: 5e-4 });
      trainer.setDiscriminatorSteps(2);
      await trainer.fit(data(20), { batchSize: 4, steps: 1, updates: 'discriminator' });
      await trainer.fit(data(20), { batchSize: 4, steps: 1, updates: 'generator' });
      await trainer.fit(data(20), { batchSize: 4, steps: 1 });
    };
    const straight = build();
    await live(straight);
    await straight.fit(data(20), { batchSize: 4, steps: 3 });

    const store = new MemoryCheckpointStore(); // encoded and decoded, as on disk
    const first = build();
    await live(first);
    await store.save('latest', await first.checkpoint());
    const saved = (await store.load('latest'))!;
    expect(saved.config['optimizers']).toMatchObject({
      generator: { type: 'adam', learningRate: 1e-3 },
      discriminator: { type: 'adam', learningRate: 5e-4 },
    });
    expect(saved.config['discriminatorUpdates']).toBe(2 + 2 + 0 + 2);

    const resumed = build(); // built with the default rates and k = 1
    await resumed.restore(saved);
    expect(resumed.learningRates).toEqual({ generator: 1e-3, discriminator: 5e-4 });
    expect(resumed.discriminatorStepsPerGeneratorStep).toBe(2);
    await resumed.fit(data(20), { batchSize: 4, steps: 3 });
    expect(await trainingStateBytes(resumed)).toEqual(await trainingStateBytes(straight));
    expect((await resumed.checkpoint()).config['discriminatorUpdates']).toBe(6 + 3 * 2);
  });

  it('restores a checkpoint written before the update count existed exactly as before (count = step * k)', async () => {
    const build2 = () => build({ discriminatorStepsPerGeneratorStep: 2 });
    const straight = build2();
    await straight.fit(data(20), { batchSize: 4, steps: 5 });

    const first = build2();
    await first.fit(data(20), { batchSize: 4, steps: 2 });
    const current = await first.checkpoint();
    const { discriminatorUpdates: _dropped, ...olderConfig } = current.config;
    const resumed = build2();
    await resumed.restore({ ...current, config: olderConfig });
    expect(resumed.discriminatorStepsPerGeneratorStep).toBe(2);
    await resumed.fit(data(20), { batchSize: 4, steps: 3 });
    expect(await trainingStateBytes(resumed)).toEqual(await trainingStateBytes(straight));
  });

  it('keeps the rates the trainer was built with when the checkpoint records no live change (a CLI --lr on resume)', async () => {
    const first = build();
    await first.fit(data(), { batchSize: 4, steps: 1 });
    const resumed = build({ generatorOptimizer: { type: 'adam', learningRate: 1e-3, beta1: 0.5 } });
    await resumed.restore(await first.checkpoint());
    expect(resumed.learningRates).toEqual({ generator: 1e-3, discriminator: 2e-4 });
  });

  it('refuses a checkpoint whose recorded controls or update count are malformed, with a CheckpointError', async () => {
    const trainer = build();
    const checkpoint = await trainer.checkpoint();
    const withConfig = (config: Record<string, unknown>) => ({
      ...checkpoint,
      config: { ...checkpoint.config, ...config },
    });
    await expect(
      trainer.restore(
        withConfig({
          trainingControls: {
            learningRates: { generator: -1, discriminator: 1e-3 },
            discriminatorStepsPerGeneratorStep: 1,
          },
        }),
      ),
    ).rejects.toThrow(CheckpointError);
    await expect(trainer.restore(withConfig({ discriminatorUpdates: -2 }))).rejects.toThrow(/discriminatorUpdates/);
  });
});
