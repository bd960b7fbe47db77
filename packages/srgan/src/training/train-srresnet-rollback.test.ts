import { type Dataset, NonFiniteLossError, type TrainingBatch } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { tensorBytes } from '../../../../test-support/tensor-bytes.js';
import { srresnet } from '../models/srresnet.js';
import { trainSrresnet } from './train-srresnet.js';

/** Four fixed batches per pass (x2: 4x4 inputs, 8x8 targets); batch `poisoned` (from 1) has a NaN pixel. */
function batches(poisoned: number): Dataset<TrainingBatch> {
  return {
    async *batches() {
      for (let index = 1; index <= 4; index++) {
        const input = Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => Math.sin(i * 0.37 + index));
        if (index === poisoned) input[17] = Number.NaN;
        const real = Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => Math.cos(i * 0.11 + index) * 0.9);
        yield { input: tf.tensor4d(input, [2, 4, 4, 3]), real: tf.tensor4d(real, [2, 8, 8, 3]) };
      }
    },
  };
}

const weightBytes = (model: tf.LayersModel) => tensorBytes(model.getWeights());

describe('trainSrresnet after a non-finite step', () => {
  it('leaves every weight and BatchNorm statistic as after the last good step, with a flat tensor count', async () => {
    // Reference: the same run stopped one step before the poisoned batch (3).
    const reference = srresnet({ blocks: 1, filters: 4, scale: 2, seed: 3 });
    await trainSrresnet(reference, batches(3), { batchSize: 2, steps: 2, learningRate: 1e-2 });
    const expected = await weightBytes(reference);
    reference.dispose();

    const generator = srresnet({ blocks: 1, filters: 4, scale: 2, seed: 3 });
    const tensorsBefore = tf.memory().numTensors;
    const failure = await trainSrresnet(generator, batches(3), { batchSize: 2, steps: 4, learningRate: 1e-2 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(NonFiniteLossError);
    expect(failure).toMatchObject({ step: 3, loss: 'content_mse' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const weights = await weightBytes(generator);
    // Guard against a vacuous pass: the two good steps did change the weights.
    const untrained = srresnet({ blocks: 1, filters: 4, scale: 2, seed: 3 });
    expect(weights).not.toEqual(await weightBytes(untrained));
    expect(weights).toEqual(expected);
    untrained.dispose();
    generator.dispose();
  });
});
