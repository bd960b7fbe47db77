import { useBackend } from '@ganforge/backend-node';
import type * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { CharCnnRnnEncoder } from './encoders/char-cnn-rnn-encoder.js';
import { attributeClassifier } from './evaluation/attribute-classifier.js';
import { smallImageEncoder } from './joint-embedding/image-encoder.js';

/** Every weight of the model, flattened, as one array. */
function weightsOf(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
}

// tfjs treats an initializer seed of 0 as "no seed" (`seed ? seed : Math.random()`), so a model
// built with the default seed 0 must never hand 0 to an initializer.
describe.each([
  ['smallImageEncoder', (seed: number) => smallImageEncoder({ size: 8, dim: 4, filters: 2, seed })],
  [
    'attributeClassifier',
    (seed: number) => attributeClassifier({ size: 8, filters: 2, seed, attributes: [{ name: 'a', values: 2 }] }),
  ],
  [
    'CharCnnRnnEncoder',
    (seed: number) =>
      new CharCnnRnnEncoder({ dim: 4, maxLength: 12, filters: [4], kernelSize: 3, poolSize: 2, rnnUnits: 4, seed })
        .model,
  ],
])('%s initialises from its seed', (_, build) => {
  beforeAll(async () => {
    await useBackend({ backend: 'wasm', log: false });
  });

  it.each([0, 1])('the same weights twice with seed %i', (seed) => {
    const [first, second] = [build(seed), build(seed)];
    expect(weightsOf(second)).toEqual(weightsOf(first));
    first.dispose();
    second.dispose();
  });

  it('different weights for seeds 0 and 1', () => {
    const [zero, one] = [build(0), build(1)];
    expect(weightsOf(one)).not.toEqual(weightsOf(zero));
    zero.dispose();
    one.dispose();
  });
});
