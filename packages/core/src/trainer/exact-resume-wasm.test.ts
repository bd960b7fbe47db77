import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { MemoryCheckpointStore } from '../checkpoint/memory-checkpoint-store.js';
import { TensorDataset } from '../tensor-dataset.js';
import { tinyData } from '../test-support/tiny-models.js';
import { tinyTrainer } from '../test-support/tiny-trainer.js';
import { trainingStateBytes } from '../test-support/training-state-bytes.js';

function build() {
  return tinyTrainer({ ema: { decay: 0.95 }, seed: 7 });
}

// The same sweep as restore.test.ts on tfjs's wasm backend (XNNPACK kernels; the tiny models are
// dense, so the stock wasm kernels train them). Bit-exactness is per backend: both runs use wasm.
describe('AdversarialTrainer.restore on the wasm backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('resumes bit-exactly at every split point of 20 steps (Adam, EMA)', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const data = new TensorDataset({ real: tinyData(20) });
    const straight = build();
    await straight.fit(data, { batchSize: 4, steps: 20 });
    const expected = JSON.stringify(await trainingStateBytes(straight));
    const drifting: number[] = [];
    for (let split = 1; split < 20; split++) {
      const store = new MemoryCheckpointStore();
      const first = build();
      await first.fit(data, { batchSize: 4, steps: split, checkpoints: { store } });
      const resumed = build();
      await resumed.restore((await store.load('latest'))!);
      await resumed.fit(data, { batchSize: 4, steps: 20 - split });
      if (JSON.stringify(await trainingStateBytes(resumed)) !== expected) drifting.push(split);
    }
    expect(drifting).toEqual([]);
  });

  it("keeps the generator bit-identical in an updates: 'discriminator' step, and resumes live controls exactly", async () => {
    const data = new TensorDataset({ real: tinyData(20) });
    const live = async (trainer: ReturnType<typeof build>) => {
      await trainer.fit(data, { batchSize: 4, steps: 2 });
      trainer.setLearningRates({ generator: 1e-3, discriminator: 5e-4 });
      trainer.setDiscriminatorSteps(2);
      const before = (await trainingStateBytes(trainer)).generator;
      await trainer.fit(data, { batchSize: 4, steps: 1, updates: 'discriminator' });
      expect((await trainingStateBytes(trainer)).generator).toEqual(before);
      await trainer.fit(data, { batchSize: 4, steps: 1, updates: 'generator' });
    };
    const straight = build();
    await live(straight);
    await straight.fit(data, { batchSize: 4, steps: 3 });
    const store = new MemoryCheckpointStore();
    const first = build();
    await live(first);
    await store.save('latest', await first.checkpoint());
    const resumed = build();
    await resumed.restore((await store.load('latest'))!);
    await resumed.fit(data, { batchSize: 4, steps: 3 });
    expect(await trainingStateBytes(resumed)).toEqual(await trainingStateBytes(straight));
  });
});
