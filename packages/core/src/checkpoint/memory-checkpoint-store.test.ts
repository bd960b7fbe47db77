import { describe, expect, it } from 'vitest';

import { CheckpointError, InvalidArgumentError } from '../errors.js';
import { TensorDataset } from '../tensor-dataset.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../test-support/tiny-models.js';
import { AdversarialTrainer } from '../trainer/adversarial-trainer.js';
import type { Checkpoint } from './checkpoint.js';
import { assertCheckpointName, isCheckpointName, MemoryCheckpointStore } from './memory-checkpoint-store.js';

async function tinyCheckpoint(): Promise<Checkpoint> {
  const trainer = new AdversarialTrainer({
    generator: tinyGenerator({ noiseDim: 3 }),
    discriminator: tinyDiscriminator(),
    noise: { dim: 3 },
  });
  await trainer.fit(new TensorDataset({ real: tinyData(16) }), { batchSize: 8, steps: 1 });
  return trainer.checkpoint();
}

describe('MemoryCheckpointStore', () => {
  it('saves and loads copies, and returns undefined for a name it does not hold', async () => {
    const store = new MemoryCheckpointStore();
    const checkpoint = await tinyCheckpoint();
    await store.save('latest', checkpoint);
    const loaded = await store.load('latest');
    expect(loaded?.step).toBe(1);
    expect(loaded?.generator.weightData).not.toBe(checkpoint.generator.weightData);
    expect(await store.load('other')).toBeUndefined();
    expect(await store.list()).toEqual(['latest']);
  });

  it('keeps typed errors: bad names, and checkpoints it could not read back', async () => {
    const store = new MemoryCheckpointStore();
    const checkpoint = await tinyCheckpoint();
    await expect(store.save('../x', checkpoint)).rejects.toThrow(InvalidArgumentError);
    await expect(store.load('../x')).rejects.toThrow(InvalidArgumentError);
    await expect(store.save('bad', { ...checkpoint, step: -5 })).rejects.toThrow(CheckpointError);
    await expect(store.save('bad', { ...checkpoint, step: -5 })).rejects.toMatchObject({ code: 'CHECKPOINT_HEADER' });
    await expect(store.save('bad', undefined as unknown as Checkpoint)).rejects.toMatchObject({
      code: 'CHECKPOINT_HEADER',
      message: expect.stringMatching(/^checkpoint: expected an object/),
    });
    expect(await store.list()).toEqual([]);
  });

  it('passes its decode options on: a limit that the stored checkpoint exceeds refuses it', async () => {
    const store = new MemoryCheckpointStore({ limits: { maxFileBytes: 100 } });
    await store.save('latest', await tinyCheckpoint());
    await expect(store.load('latest')).rejects.toMatchObject({ code: 'SIZE_LIMIT' });
  });
});

describe('isCheckpointName', () => {
  // The rule, by hand: 1 to 128 of letters, digits, '.', '_', '-', not starting with '.'.
  it('accepts exactly the names assertCheckpointName accepts', () => {
    const names: unknown[] = [
      'latest',
      'step-100',
      'a.b_c',
      'x'.repeat(128),
      '',
      '.hidden',
      'a/b',
      'x'.repeat(129),
      'é',
      7,
    ];
    expect(names.map(isCheckpointName)).toEqual([true, true, true, true, false, false, false, false, false, false]);
    for (const name of names) {
      const asserted = (() => {
        try {
          assertCheckpointName(name);
          return true;
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidArgumentError);
          return false;
        }
      })();
      expect(asserted).toBe(isCheckpointName(name));
    }
  });
});
