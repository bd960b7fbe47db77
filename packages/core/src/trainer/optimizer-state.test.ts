import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { float32Power, loadOptimizerState, readOptimizerState } from './optimizer-state.js';

/** Runs `steps` Adam updates on a small variable and returns the optimizer. */
function trainedAdam(beta1: number, beta2: number, steps: number) {
  const optimizer = tf.train.adam(0.01, beta1, beta2);
  const weight = tf.variable(tf.tensor1d([0.5, -0.25, 2]));
  for (let step = 0; step < steps; step++) optimizer.minimize(() => tf.sum(tf.square(weight)) as tf.Scalar);
  return { optimizer, weight };
}

async function betaPowers(optimizer: tf.Optimizer): Promise<number[]> {
  const state = await readOptimizerState(optimizer);
  state.iterations.dispose();
  return [...(await state.adamBetaPowers![0].data()), ...(await state.adamBetaPowers![1].data())];
}

describe('float32Power', () => {
  it("equals the bias-correction powers tfjs's own Adam reaches by training, step for step", async () => {
    // Expected values: tfjs itself (accBeta *= beta in float32 on every applyGradients).
    const { optimizer, weight } = trainedAdam(0.9, 0.999, 0);
    for (let step = 0; step <= 25; step++) {
      expect(await betaPowers(optimizer)).toEqual([float32Power(0.9, step), float32Power(0.999, step)]);
      optimizer.minimize(() => tf.sum(tf.square(weight)) as tf.Scalar);
    }
    optimizer.dispose();
    weight.dispose();
  });

  it('differs from pow() where the issue saw resumes drift (beta2 0.999 after 2 and 5 steps)', () => {
    const pow = (beta: number, steps: number) => Math.fround(Math.fround(beta) ** (steps + 1));
    expect(float32Power(0.999, 2)).not.toBe(pow(0.999, 2));
    expect(float32Power(0.999, 5)).not.toBe(pow(0.999, 5));
    expect(float32Power(0.5, 5)).toBe(0.5 ** 6); // powers of two are exact either way
  });

  it('stops at the fixed point float32 reaches, so a huge step count costs no more', () => {
    expect(float32Power(0.5, 2 ** 31)).toBe(0);
    expect(float32Power(0.999, 2 ** 31)).toBe(float32Power(0.999, 10_000_000));
  });
});

describe('loadOptimizerState', () => {
  it('sets Adam to the state training reaches (not pow()) and frees the slots it replaces', async () => {
    for (const steps of [2, 5, 18]) {
      const { optimizer: trained, weight } = trainedAdam(0.5, 0.999, steps);
      const saved = await readOptimizerState(trained);
      const { optimizer: loaded, weight: otherWeight } = trainedAdam(0.5, 0.999, 1);
      const before = tf.memory().numTensors;
      await loadOptimizerState(loaded, saved);
      await loadOptimizerState(loaded, saved);
      expect(tf.memory().numTensors).toBe(before);
      expect(loaded.iterations).toBe(steps);
      expect(await betaPowers(loaded)).toEqual(await betaPowers(trained));
      saved.iterations.dispose();
      trained.dispose();
      loaded.dispose();
      tf.dispose([weight, otherWeight]);
    }
  });
});
