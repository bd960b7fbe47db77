import { NonFiniteLossError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { tensorBytes } from '../../../../test-support/tensor-bytes.js';
import { attributeClassifier, trainAttributeClassifier } from './attribute-classifier.js';

const spec = [{ name: 'bright', values: 2 }];

const weightBytes = (model: tf.LayersModel) => tensorBytes(model.getWeights());

describe('trainAttributeClassifier after a non-finite step', () => {
  it('leaves every weight as after the last good step, with a flat tensor count', async () => {
    // Eight 8x8 pictures, two per step; picture 6 holds a NaN pixel, so the step that draws it fails.
    const values = Array.from({ length: 8 * 64 }, (_, i) => Math.sin(i * 0.3));
    values[6 * 64 + 9] = Number.NaN;
    const images = tf.tensor4d(values, [8, 8, 8, 1]);
    const labels = { bright: [0, 1, 0, 1, 0, 1, 0, 1] };
    const options = { attributes: spec, images, labels, batchSize: 2, learningRate: 1e-2, seed: 4 };

    const model = attributeClassifier({ size: 8, channels: 1, attributes: spec, filters: 2, seed: 1 });
    const tensorsBefore = tf.memory().numTensors;
    const failure = await trainAttributeClassifier({ ...options, model, steps: 8 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NonFiniteLossError);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const failedStep = (failure as NonFiniteLossError).step;
    // At least one good step came first (fixed by the seed), so the comparison below is not vacuous.
    expect(failedStep).toBeGreaterThan(1);

    // Reference: the same run stopped one step before the one that failed.
    const reference = attributeClassifier({ size: 8, channels: 1, attributes: spec, filters: 2, seed: 1 });
    await trainAttributeClassifier({ ...options, model: reference, steps: failedStep - 1 });
    const untrained = attributeClassifier({ size: 8, channels: 1, attributes: spec, filters: 2, seed: 1 });
    const weights = await weightBytes(model);
    expect(weights).not.toEqual(await weightBytes(untrained));
    expect(weights).toEqual(await weightBytes(reference));
    tf.dispose(images);
    [model, reference, untrained].forEach((m) => m.dispose());
  });
});
