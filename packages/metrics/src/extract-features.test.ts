import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

import { extractFeatures } from './extract-features.js';

/** input [3] -> dense 'hidden' (2 units, W, b) -> dense 'output' (1 unit); weights set by hand. */
function handModel(): tf.LayersModel {
  const input = tf.input({ shape: [3] });
  const hidden = tf.layers.dense({ name: 'hidden', units: 2 });
  const output = tf.layers.dense({ name: 'output', units: 1 });
  const model = tf.model({ inputs: input, outputs: output.apply(hidden.apply(input)) as tf.SymbolicTensor });
  hidden.setWeights([
    tf.tensor2d([
      [1, 0],
      [0, 2],
      [1, -1],
    ]),
    tf.tensor1d([0.5, 0]),
  ]);
  output.setWeights([tf.tensor2d([[1], [1]]), tf.tensor1d([0])]);
  return model;
}

describe('extractFeatures', () => {
  it('returns a named layer’s output in batches: x W + b by hand', async () => {
    const model = handModel();
    const images = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 0],
      [-1, 1, 0],
      [2, 2, 2],
      [0, 1, 0],
    ]);
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const features = await extractFeatures(model, images, {
      layer: 'hidden',
      batchSize: 2,
      onProgress: (done) => progress.push(done),
    });
    // Row x -> [x0 + x2 + 0.5, 2 x1 - x2]
    expect(await features.array()).toEqual([
      [4.5, 1],
      [0.5, 0],
      [-0.5, 2],
      [4.5, 2],
      [0.5, 2],
    ]);
    expect(progress).toEqual([2, 4, 5]);
    const outputs = await extractFeatures(model, images);
    expect(await outputs.array()).toEqual([[5.5], [0.5], [1.5], [6.5], [2.5]]);
    tf.dispose([features, outputs]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(images);
    model.dispose();
  });

  it('rejects unknown layers, layers that are not vectors, and images of the wrong shape', async () => {
    const model = handModel();
    const images = tf.zeros([2, 4]);
    await expect(extractFeatures(model, images)).rejects.toThrow(ShapeMismatchError);
    await expect(extractFeatures(model, images)).rejects.toThrow(
      /^images: expected shape \[count >= 1, 3\] \(the model's input\), received \[2, 4\]/,
    );
    await expect(extractFeatures(model, tf.zeros([2, 3]), { layer: 'pool5' })).rejects.toThrow(
      /^options.layer: expected one of the model's layers \(input\d*, hidden, output\), received "pool5"/,
    );
    const conv = tf.sequential({
      layers: [tf.layers.conv2d({ name: 'conv', inputShape: [4, 4, 1], filters: 2, kernelSize: 3 })],
    });
    await expect(extractFeatures(conv, tf.zeros([1, 4, 4, 1]), { layer: 'conv' })).rejects.toThrow(
      /^options.layer: expected a layer with one output of shape \[batch, dimension\] \(a dense or pooling layer\), received conv with output shape \[batch, 2, 2, 2\]/,
    );
    await expect(extractFeatures({} as never, images)).rejects.toThrow(InvalidArgumentError);
    tf.dispose(images);
    model.dispose();
    conv.dispose();
  });
});
