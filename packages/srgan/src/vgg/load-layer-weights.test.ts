import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';

import { loadLayerWeights, WeightsLoadError } from './load-layer-weights.js';

it('refuses a manifest that claims more than its weight data holds (typed error, no tensor left)', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'dense' })] });
  const before = tf.memory().numTensors;
  // A bias that decodes, then a kernel of 1e5 x 1e5 float32 (40 GB) claimed with 4 bytes given: what a hostile model.json served over http could say.
  const handler = tf.io.fromMemory({
    modelTopology: {},
    weightSpecs: [
      { name: 'dense/bias', shape: [2], dtype: 'float32' },
      { name: 'dense/kernel', shape: [100_000, 100_000], dtype: 'float32' },
    ],
    weightData: new ArrayBuffer(8 + 4),
  });
  const attempt = loadLayerWeights(model, handler);
  await expect(attempt).rejects.toBeInstanceOf(WeightsLoadError);
  await expect(attempt).rejects.toThrow(/weights: the weights manifest does not match its weight data/);
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
});
