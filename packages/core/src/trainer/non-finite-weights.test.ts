import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';

import { FileCheckpointStore } from '../checkpoint/file-checkpoint-store.js';
import { NonFiniteWeightError } from '../non-finite-weight-error.js';
import { TensorDataset } from '../tensor-dataset.js';
import { tinyDiscriminator } from '../test-support/tiny-models.js';
import { trainingStateBytes } from '../test-support/training-state-bytes.js';
import { AdversarialTrainer } from './adversarial-trainer.js';
import { allFinite, firstNonFinite } from './non-finite-weights.js';

/** An image-input generator whose first layer is BatchNorm, so the batch statistics see the raw input. */
function batchNormGenerator() {
  const input = tf.input({ shape: [3] });
  const normalized = tf.layers.batchNormalization({ momentum: 0.9 }).apply(input) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: 6, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) })
    .apply(normalized) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

function build() {
  return new AdversarialTrainer({
    generator: batchNormGenerator(),
    discriminator: tinyDiscriminator(),
    noise: false,
    seed: 1,
  });
}

// Inputs of 1e20: their batch variance (~1e40) overflows float32 (max 3.4e38), while BatchNorm's
// output (x - mean) / sqrt(variance) stays finite (0), so the losses stay finite: the case the
// issue saw on the cpu backend (tests run on tfjs's cpu backend).
const hugeInput = () => tf.mul(tf.randomUniform([8, 3], -1, 1, 'float32', 2), 1e20);
const real = () => tf.randomUniform([8, 6], -1, 1, 'float32', 3);

async function filesIn(folder: string): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  for (const name of (await readdir(folder)).sort()) {
    contents.set(name, (await readFile(join(folder, name))).toString('base64'));
  }
  return contents;
}

describe('non-finite weights', () => {
  const folders: string[] = [];
  afterEach(async () => {
    await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('allFinite tells NaN and ±Infinity from finite values, even finite ones whose sum overflows', async () => {
    const named = (...tensors: tf.Tensor[]) => tensors.map((tensor, index) => ({ name: `t${index}`, tensor }));
    const finite = tf.tensor([1, -3.4e38, 0, 1e-45]);
    expect(await allFinite(named(finite, tf.tensor([7], undefined, 'int32')))).toBe(true);
    // 3e38 + 3e38 overflows float32 (max 3.4e38): the probe (a sum) says "maybe", the full read says finite.
    expect(await allFinite(named(tf.tensor([3e38, 3e38])))).toBe(true);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(await allFinite(named(finite, tf.tensor([[0, bad]])))).toBe(false);
    }
    expect(
      await firstNonFinite([
        { name: 'a', tensor: finite },
        { name: 'b', tensor: tf.tensor([1, Number.NEGATIVE_INFINITY, Number.NaN]) },
      ]),
    ).toEqual({ name: 'b', value: Number.NEGATIVE_INFINITY });
  });

  it('stops a step whose losses are finite but whose BatchNorm statistics are not, and rolls it back', async () => {
    const trainer = build();
    const losses: number[] = [];
    const error = await trainer
      .fit(new TensorDataset({ real: real(), input: hugeInput() }), {
        batchSize: 8,
        steps: 3,
        onStep: (event) => void losses.push(event.discriminatorLoss),
      })
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).toBeInstanceOf(NonFiniteWeightError);
    expect(error).toMatchObject({ check: 'step', step: 1, code: 'NON_FINITE_WEIGHT' });
    expect((error as NonFiniteWeightError).weight).toMatch(/^generator weight '.*moving_(mean|variance)'$/);
    expect(losses).toEqual([]);
    // Back at the state before step 1: that of a trainer built the same way that never trained.
    expect(trainer.step).toBe(0);
    expect(await trainingStateBytes(trainer)).toEqual(await trainingStateBytes(build()));
  });

  it('checkpoint() refuses non-finite BatchNorm statistics, naming the weight, and the file on disk stays', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-non-finite-'));
    folders.push(folder);
    const store = new FileCheckpointStore(folder);
    const trainer = build();
    const data = new TensorDataset({ real: real(), input: tf.randomUniform([8, 3], -1, 1, 'float32', 4) });
    await trainer.fit(data, { batchSize: 8, steps: 2, checkpoints: { store } });
    const saved = await filesIn(folder);
    expect(saved.size).toBeGreaterThan(0);

    // A forward pass in training mode updates the moving statistics, as a training step does.
    tf.tidy(() => trainer.generator.apply(hugeInput(), { training: true }) as tf.Tensor);
    await expect(trainer.checkpoint()).rejects.toThrow(NonFiniteWeightError);
    const error = await trainer.checkpoint().catch((reason: unknown) => reason);
    expect(error).toMatchObject({ check: 'checkpoint', step: 2 });
    expect((error as Error).message).toMatch(
      /^Refused to write a checkpoint at step 2: the generator weight '.*moving_(mean|variance)' holds (NaN|Infinity)\. The previous checkpoint is kept/,
    );

    // Nor does training write one: its first step fails the same check, and the file stays as it was.
    await expect(
      trainer.fit(data, { batchSize: 8, steps: 2, checkpoints: { store, every: 1 } }).then(),
    ).rejects.toThrow(NonFiniteWeightError);
    expect(await filesIn(folder)).toEqual(saved);
  });
});
