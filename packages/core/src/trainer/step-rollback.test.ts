import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { BatchOptions, Dataset, TrainingBatch } from '../dataset.js';
import { NonFiniteLossError } from '../errors.js';
import { TensorDataset } from '../tensor-dataset.js';
import { PoisonedDataset, tinyData } from '../test-support/tiny-models.js';
import { tinyTrainer } from '../test-support/tiny-trainer.js';
import { trainingStateBytes } from '../test-support/training-state-bytes.js';
import { TrainingStateLostError } from '../training-state-lost-error.js';
import type { AdversarialTrainer } from './adversarial-trainer.js';
import type { GeneratorTerm } from './trainer-options.js';

type TrainerOptions = ConstructorParameters<typeof AdversarialTrainer>[0];

// tinyGenerator has BatchNorm: its moving statistics change every step.
function build(extra: Partial<TrainerOptions> = {}) {
  return tinyTrainer({ ema: { decay: 0.9 }, seed: 42, ...extra });
}

async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

/** Yields the data in order, batch by batch; asks `onBatch` before each, so a test can abort or throw there. */
class OrderedDataset implements Dataset<TrainingBatch> {
  readonly size: number;
  constructor(
    private readonly real: tf.Tensor2D,
    private readonly onBatch: (index: number) => void = () => {},
  ) {
    this.size = real.shape[0];
  }
  async *batches(batchSize: number, _options: BatchOptions): AsyncGenerator<TrainingBatch> {
    for (let index = 0; index * batchSize < this.size; index++) {
      this.onBatch(index);
      yield { real: this.real.slice(index * batchSize, batchSize) };
    }
  }
}

// The expected state in every test is that of an identical trainer that ran only the good steps:
// an independent run, not a copy the trainer made of itself.
describe('AdversarialTrainer rollback of a failed step', () => {
  afterEach(() => vi.restoreAllMocks());

  it('after a NaN loss, models, BatchNorm statistics, optimizers, EMA and counters are those after the last good step', async () => {
    const data = () => new PoisonedDataset(tinyData(40), 3); // batch 3 (step 4) is NaN
    const failed = build();
    const error = await rejection(failed.fit(data(), { batchSize: 8, steps: 10 }));
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(failed.step).toBe(3);

    const straight = build();
    await straight.fit(data(), { batchSize: 8, steps: 3 });
    expect(await trainingStateBytes(failed)).toEqual(await trainingStateBytes(straight));

    // Both continue identically (this also covers Adam's bias-correction powers, which no checkpoint holds).
    const clean = new TensorDataset({ real: tinyData(40) });
    await failed.fit(clean, { batchSize: 8, steps: 3 });
    await straight.fit(clean, { batchSize: 8, steps: 3 });
    expect(await trainingStateBytes(failed)).toEqual(await trainingStateBytes(straight));
  });

  it('undoes the earlier discriminator updates of a step whose later batch fails', async () => {
    // Two D updates per step: step 2 takes batches 2 and 3; its first D update (batch 2) is applied
    // before batch 3's NaN shows.
    const options = { discriminatorStepsPerGeneratorStep: 2 };
    const failed = build(options);
    const error = await rejection(failed.fit(new PoisonedDataset(tinyData(40), 3), { batchSize: 8, steps: 5 }));
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).step).toBe(2);

    const straight = build(options);
    await straight.fit(new PoisonedDataset(tinyData(40), 3), { batchSize: 8, steps: 1 });
    expect(await trainingStateBytes(failed)).toEqual(await trainingStateBytes(straight));
  });

  it('rolls back on any error thrown inside a step, not only non-finite losses', async () => {
    let calls = 0;
    const term = (failAt: number): GeneratorTerm => ({
      name: 'probe',
      weight: 1,
      compute: ({ fake }) => {
        calls += 1;
        if (calls === failAt) throw new Error('probe failed');
        return tf.mul(tf.mean(fake), 0) as tf.Scalar;
      },
    });
    const data = new TensorDataset({ real: tinyData(32) });
    const failed = build({ generatorTerms: [term(3)] });
    await expect(failed.fit(data, { batchSize: 8, steps: 5 }).then()).rejects.toThrow('probe failed');
    expect(failed.step).toBe(2);

    calls = 0;
    const straight = build({ generatorTerms: [term(-1)] });
    await straight.fit(data, { batchSize: 8, steps: 2 });
    expect(await trainingStateBytes(failed)).toEqual(await trainingStateBytes(straight));
  });

  it('undoes the half of a step that an abort interrupts, so the abort checkpoint resumes exactly', async () => {
    const options = { discriminatorStepsPerGeneratorStep: 2 };
    const real = tinyData(40); // 5 batches of 8
    const controller = new AbortController();
    // The cursor reads one batch ahead: asking for batch 4 happens after step 2's first D update (batch 2).
    const aborting = new OrderedDataset(real, (index) => {
      if (index === 4) controller.abort();
    });
    const interrupted = build(options);
    const summary = await interrupted.fit(aborting, { batchSize: 8, steps: 5, signal: controller.signal });
    expect(summary).toMatchObject({ stoppedBy: 'abort', step: 1 });

    const straight = build(options);
    await straight.fit(new OrderedDataset(real), { batchSize: 8, steps: 1 });
    expect(await trainingStateBytes(interrupted)).toEqual(await trainingStateBytes(straight));
  });

  it('says plainly when the rollback itself fails, and refuses to train or checkpoint until a restore', async () => {
    const data = new TensorDataset({ real: tinyData(40) });
    const good = build();
    await good.fit(data, { batchSize: 8, steps: 2 });
    const checkpoint = await good.checkpoint();

    const trainer = build();
    await trainer.fit(data, { batchSize: 8, steps: 2 });
    // The rollback loads the optimizer state back with setWeights: make that fail once.
    vi.spyOn(tf.AdamOptimizer.prototype, 'setWeights').mockRejectedValueOnce(new Error('simulated failure'));
    const error = await rejection(trainer.fit(new PoisonedDataset(tinyData(40), 2), { batchSize: 8, steps: 5 }));
    expect(error).toBeInstanceOf(TrainingStateLostError);
    expect((error as TrainingStateLostError).cause).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(
      /^Step 3 failed \(Training stopped at step 3: .*\) and the trainer could not return to its state before it \(simulated failure\)/,
    );
    expect(() => trainer.fit(data, { batchSize: 8, steps: 1 })).toThrow(TrainingStateLostError);
    await expect(trainer.checkpoint()).rejects.toThrow(TrainingStateLostError);

    await trainer.restore(checkpoint);
    await trainer.fit(data, { batchSize: 8, steps: 1 });
    expect(trainer.step).toBe(3);
  });

  it('keeps tf.memory().numTensors flat across failed and successful steps', async () => {
    let failInside = false;
    // A term that throws inside the generator's gradient tape: tfjs keeps the tensors it saved for
    // the backward pass unless the trainer frees them.
    const trainer = build({
      generatorTerms: [
        {
          name: 'probe',
          weight: 1,
          compute: ({ fake }) => {
            if (failInside) throw new Error('probe failed');
            return tf.mul(tf.mean(fake), 0) as tf.Scalar;
          },
        },
      ],
    });
    const data = new TensorDataset({ real: tinyData(32) });
    const poisoned = new PoisonedDataset(tinyData(32), 0);
    await trainer.fit(data, { batchSize: 8, steps: 4 }); // ends a pass: the next fit starts at batch 0
    const before = tf.memory().numTensors;
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(trainer.fit(poisoned, { batchSize: 8, steps: 2 }).then()).rejects.toThrow(NonFiniteLossError);
      expect(tf.memory().numTensors).toBe(before);
      failInside = true;
      await expect(trainer.fit(data, { batchSize: 8, steps: 2 }).then()).rejects.toThrow('probe failed');
      failInside = false;
      expect(tf.memory().numTensors).toBe(before);
    }
    await trainer.fit(data, { batchSize: 8, steps: 3 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
