import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { InvalidArgumentError } from '../errors.js';
import { TensorDataset } from '../tensor-dataset.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../test-support/tiny-models.js';
import { AdversarialTrainer } from './adversarial-trainer.js';
import { capTrainingSteps } from './training-step-cap.js';

// Expected values are the rule written out by hand: no variable -> the caller's steps; variable N
// -> min(steps, N), or N when the caller gave no steps; one line per capped call.
function capped(requested: number | undefined, value: string | undefined) {
  const lines: string[] = [];
  const steps = capTrainingSteps('someLoop', requested, {
    environment: { GANFORGE_MAX_STEPS: value },
    log: (line) => lines.push(line),
  });
  return { steps, lines };
}

describe('capTrainingSteps', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('returns the requested steps and prints nothing when GANFORGE_MAX_STEPS is unset or empty', () => {
    expect(capped(500, undefined)).toEqual({ steps: 500, lines: [] });
    expect(capped(undefined, undefined)).toEqual({ steps: undefined, lines: [] });
    expect(capped(500, '')).toEqual({ steps: 500, lines: [] });
    expect(capped(500, '  ')).toEqual({ steps: 500, lines: [] });
  });

  it('caps the steps to the variable and says so in one line naming the loop and the backend', () => {
    expect(capped(500, '3')).toEqual({
      steps: 3,
      lines: [`[ganforge] GANFORGE_MAX_STEPS=3: someLoop runs 3 of its 500 steps (backend: ${tf.getBackend()})`],
    });
  });

  it('keeps fewer requested steps, and still says that the variable is set', () => {
    expect(capped(2, '3')).toEqual({
      steps: 2,
      lines: [`[ganforge] GANFORGE_MAX_STEPS=3: someLoop runs all its 2 steps (backend: ${tf.getBackend()})`],
    });
  });

  it('gives a loop that stops by epochs or time the cap as its step limit', () => {
    expect(capped(undefined, '4')).toEqual({
      steps: 4,
      lines: [`[ganforge] GANFORGE_MAX_STEPS=4: someLoop stops after at most 4 steps (backend: ${tf.getBackend()})`],
    });
  });

  it.each(['0', '-2', '2.5', 'abc', '3 steps', '1e3'])('refuses GANFORGE_MAX_STEPS=%j with a typed error', (value) => {
    const call = () => capped(10, value);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(/GANFORGE_MAX_STEPS: expected a positive integer/);
  });

  it('reads process.env by default', () => {
    vi.stubEnv('GANFORGE_MAX_STEPS', '5');
    const lines: string[] = [];
    expect(capTrainingSteps('someLoop', 9, { log: (line) => lines.push(line) })).toBe(5);
    expect(lines).toHaveLength(1);
  });
});

describe('AdversarialTrainer.fit under GANFORGE_MAX_STEPS', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  function trainer() {
    return new AdversarialTrainer({
      generator: tinyGenerator({ noiseDim: 3 }),
      discriminator: tinyDiscriminator(),
      noise: { dim: 3 },
      seed: 1,
    });
  }

  it('runs at most the capped steps, whether the call stops by steps or by epochs, and prints one line each', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.stubEnv('GANFORGE_MAX_STEPS', '2');
    const data = new TensorDataset({ real: tinyData(32) });
    const bySteps = await trainer().fit(data, { batchSize: 8, steps: 50 });
    const byEpochs = await trainer().fit(data, { batchSize: 8, epochs: 10 }); // 10 epochs of 4 batches: 40 steps
    expect([bySteps.stepsRun, byEpochs.stepsRun]).toEqual([2, 2]);
    expect(errors.mock.calls.map(([line]) => line)).toEqual([
      expect.stringMatching(/^\[ganforge\] GANFORGE_MAX_STEPS=2: AdversarialTrainer\.fit runs 2 of its 50 steps/),
      expect.stringMatching(/^\[ganforge\] GANFORGE_MAX_STEPS=2: AdversarialTrainer\.fit stops after at most 2 steps/),
    ]);
  });

  it('throws at fit() for a bad value, before training', () => {
    vi.stubEnv('GANFORGE_MAX_STEPS', 'ten');
    expect(() => trainer().fit(new TensorDataset({ real: tinyData(8) }), { batchSize: 8, steps: 5 })).toThrow(
      InvalidArgumentError,
    );
  });
});
