import { InvalidFileError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { loadUpscalingModel } from './upscaling-model.js';

/** A Sequential of one Dense layer on 3 inputs, as tfjs serializes it. */
function denseTopology(units: number) {
  return {
    class_name: 'Sequential',
    config: {
      name: 'remote',
      layers: [{ class_name: 'Dense', config: { name: 'dense', units, batch_input_shape: [null, 3] } }],
    },
  };
}

// Weights of a Dense layer with 2 units: kernel [3, 2] and bias [2], float32 (8 values, 32 bytes).
const weightSpecs: tf.io.WeightsManifestEntry[] = [
  { name: 'dense/kernel', shape: [3, 2], dtype: 'float32' },
  { name: 'dense/bias', shape: [2], dtype: 'float32' },
];
const weightData = new Float32Array([1, 2, 3, 4, 5, 6, 0.5, -0.5]).buffer;

describe('loadUpscalingModel (any IOHandler: http, indexeddb, file)', () => {
  it('refuses a topology asking for a Dense layer of 1e9 units with weights for 2, allocating nothing', async () => {
    const before = tf.memory();
    const handler = tf.io.fromMemory({ modelTopology: denseTopology(1e9), weightSpecs, weightData });
    const attempt = loadUpscalingModel(handler);
    await expect(attempt).rejects.toBeInstanceOf(InvalidFileError);
    await expect(attempt).rejects.toThrow(/\[3, 1000000000\] float32 .*which no unused stored weight has/);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(tf.memory().numTensors).toBe(before.numTensors);
  });

  it('loads an honest model with its metadata (output computed by hand)', async () => {
    const handler = tf.io.fromMemory({
      modelTopology: denseTopology(2),
      weightSpecs,
      weightData,
      userDefinedMetadata: { ganforge: { scale: 3, padding: 1 } },
    });
    const loaded = await loadUpscalingModel(handler);
    expect(loaded).toMatchObject({ scale: 3, padding: 1 });
    // [1, 1, 1] x [[1, 2], [3, 4], [5, 6]] + [0.5, -0.5] = [9.5, 11.5].
    const output = loaded.model.predict(tf.ones([1, 3])) as tf.Tensor;
    expect(Array.from(await output.data())).toEqual([9.5, 11.5]);
    tf.dispose(output);
    loaded.model.dispose();
  });
});
