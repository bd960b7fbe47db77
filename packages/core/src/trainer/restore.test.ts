import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import type { Checkpoint } from '../checkpoint/checkpoint.js';
import { MemoryCheckpointStore } from '../checkpoint/memory-checkpoint-store.js';
import { serializeModel } from '../checkpoint/model-serialization.js';
import { CheckpointError } from '../errors.js';
import { NonFiniteWeightError } from '../non-finite-weight-error.js';
import { TensorDataset } from '../tensor-dataset.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../test-support/tiny-models.js';
import { tinyTrainer } from '../test-support/tiny-trainer.js';
import { trainingStateBytes } from '../test-support/training-state-bytes.js';
import type { AdversarialTrainer } from './adversarial-trainer.js';
import type { OptimizerConfig } from './optimizer-config.js';

type TrainerOptions = ConstructorParameters<typeof AdversarialTrainer>[0];

function build(extra: Partial<TrainerOptions> = {}) {
  return tinyTrainer({ ema: { decay: 0.95 }, seed: 7, ...extra });
}

/**
 * Trains `total` steps straight, and for every split k in 1..total-1 trains k steps, saves through a
 * checkpoint store (encoded and decoded, as on disk), restores into a fresh trainer and trains the
 * rest; returns the splits whose final state is not bit-identical to the straight run's.
 */
async function splitsThatDrift(total: number, extra: Partial<TrainerOptions> = {}): Promise<number[]> {
  const data = new TensorDataset({ real: tinyData(20) }); // 20 / 4 = 5 batches: passes end at various splits
  const straight = build(extra);
  await straight.fit(data, { batchSize: 4, steps: total });
  const expected = await trainingStateBytes(straight);
  const drifting: number[] = [];
  for (let split = 1; split < total; split++) {
    const store = new MemoryCheckpointStore();
    const first = build(extra);
    await first.fit(data, { batchSize: 4, steps: split, checkpoints: { store } });
    const resumed = build(extra);
    await resumed.restore((await store.load('latest'))!);
    await resumed.fit(data, { batchSize: 4, steps: total - split });
    if (JSON.stringify(await trainingStateBytes(resumed)) !== JSON.stringify(expected)) drifting.push(split);
  }
  return drifting;
}

describe('AdversarialTrainer.restore', () => {
  it('resumes bit-exactly at every split point of 20 steps (Adam, EMA)', async () => {
    // Before the fix, tfjs's Adam.setWeights recomputed beta2^t with pow() and splits 2, 5, 18, 19 drifted.
    expect(await splitsThatDrift(20)).toEqual([]);
  });

  it.each<[string, OptimizerConfig]>([
    ['rmsprop with momentum', { type: 'rmsprop', learningRate: 1e-3, momentum: 0.9 }],
    ['sgd', { type: 'sgd', learningRate: 1e-2 }],
  ])('resumes bit-exactly at every split point with %s', async (_name, optimizer) => {
    expect(await splitsThatDrift(8, { generatorOptimizer: optimizer, discriminatorOptimizer: optimizer })).toEqual([]);
  });

  it('leaks nothing: tf.memory().numTensors stays flat over repeated restores (Adam)', async () => {
    const trainer = build();
    await trainer.fit(new TensorDataset({ real: tinyData(16) }), { batchSize: 8, steps: 2 });
    const checkpoint = await trainer.checkpoint();
    await trainer.restore(checkpoint);
    const before = tf.memory().numTensors;
    for (let call = 0; call < 4; call++) await trainer.restore(checkpoint);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('changes nothing when a checkpoint fails half way (the generator fits, the discriminator does not)', async () => {
    const data = new TensorDataset({ real: tinyData(16) });
    const trainer = build();
    await trainer.fit(data, { batchSize: 8, steps: 2 });
    const before = await trainingStateBytes(trainer);

    const later = build();
    await later.fit(data, { batchSize: 8, steps: 3 });
    const checkpoint = await later.checkpoint();
    // A discriminator of another shape (its first kernel is [8, 8], ours [6, 8]), loaded after the generator.
    const mismatched: Checkpoint = {
      ...checkpoint,
      discriminator: await serializeModel(tinyDiscriminator({ conditionDim: 2 })),
    };
    await expect(trainer.restore(mismatched)).rejects.toThrow(CheckpointError);
    expect(await trainingStateBytes(trainer)).toEqual(before);
  });

  it('refuses optimizer state that does not fit the model, before changing anything', async () => {
    const data = new TensorDataset({ real: tinyData(16) });
    const trainer = build();
    await trainer.fit(data, { batchSize: 8, steps: 2 });
    const checkpoint = await trainer.checkpoint();
    const wider = build({ generator: tinyGenerator({ noiseDim: 5 }), noise: { dim: 5 } });
    await wider.fit(data, { batchSize: 8, steps: 2 });
    const foreignSlots = (await wider.checkpoint()).optimizers.generator;
    const before = await trainingStateBytes(trainer);
    const error = await trainer
      .restore({ ...checkpoint, optimizers: { ...checkpoint.optimizers, generator: foreignSlots } })
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({ code: 'CHECKPOINT_MISMATCH' });
    expect((error as Error).message).toMatch(
      /generator optimizer state \(\d+ tensors\) does not fit the generator's 6 trainable weights/,
    );
    expect(await trainingStateBytes(trainer)).toEqual(before);
  });

  it('refuses a checkpoint holding a NaN weight, naming it, and changes nothing', async () => {
    const trainer = build();
    await trainer.fit(new TensorDataset({ real: tinyData(16) }), { batchSize: 8, steps: 2 });
    const checkpoint = await trainer.checkpoint();
    const before = await trainingStateBytes(trainer);
    const weightData = checkpoint.discriminator.weightData.slice(0);
    new Float32Array(weightData)[0] = Number.NaN; // the first element of the first weight
    const error = await trainer
      .restore({ ...checkpoint, discriminator: { ...checkpoint.discriminator, weightData } })
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(NonFiniteWeightError);
    expect(error).toMatchObject({
      check: 'restore',
      weight: `discriminator weight '${checkpoint.discriminator.weightSpecs[0]!.name}'`,
    });
    expect(await trainingStateBytes(trainer)).toEqual(before);
  });
});
