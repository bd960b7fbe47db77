import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { CheckpointError } from '../errors.js';
import { tinyGenerator } from '../test-support/tiny-models.js';
import { assignWeightsInOrder, deserializeTensors, serializeTensors } from './model-serialization.js';

describe('assignWeightsInOrder', () => {
  it('refuses a different count, shape or dtype with CHECKPOINT_MISMATCH, naming the weight, and writes nothing', () => {
    const model = tinyGenerator({ noiseDim: 5 });
    const before = model.weights.map((weight) => weight.read().dataSync().slice());
    const source = model.weights.map((weight) => ({ name: weight.originalName, tensor: tf.zerosLike(weight.read()) }));
    const wrongShape = [...source];
    wrongShape[0] = { name: 'kernel', tensor: tf.zeros([3, 8]) };
    const wrongDtype = [...source];
    wrongDtype[1] = { name: 'bias', tensor: tf.zeros([8], 'int32') };
    const cases: [typeof source, RegExp][] = [
      [source.slice(1), /^generator: expected 8 weight tensors \(the model's\), received 7/],
      [
        wrongShape,
        /^generator: weight 0 \('dense_Dense\d+\/kernel'\) has shape \[5, 8\] float32, the checkpoint's \('kernel'\) has \[3, 8\] float32/,
      ],
      [
        wrongDtype,
        /^generator: weight 1 \('dense_Dense\d+\/bias'\) has shape \[8\] float32, the checkpoint's \('bias'\) has \[8\] int32/,
      ],
    ];
    for (const [tensors, message] of cases) {
      let caught: unknown;
      try {
        assignWeightsInOrder(model.weights, tensors, 'generator');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CheckpointError);
      expect(caught).toMatchObject({ code: 'CHECKPOINT_MISMATCH', message: expect.stringMatching(message) });
    }
    // Nothing was written: the zeros never reached the model.
    expect(model.weights.map((weight) => weight.read().dataSync())).toEqual(before);
    tf.dispose([...source, ...wrongShape, ...wrongDtype].map(({ tensor }) => tensor));
  });
});

describe('deserializeTensors', () => {
  it('round-trips named tensors in order, repeated names included', async () => {
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor2d([[4], [5]], [2, 1], 'int32');
    const serialized = await serializeTensors([
      { name: 'same', tensor: a },
      { name: 'same', tensor: b },
    ]);
    const decoded = deserializeTensors(serialized);
    expect(
      decoded.map(({ name, tensor }) => [name, tensor.shape, tensor.dtype, Array.from(tensor.dataSync())]),
    ).toEqual([
      ['same', [3], 'float32', [1, 2, 3]],
      ['same', [2, 1], 'int32', [4, 5]],
    ]);
    tf.dispose([a, b, ...decoded.map(({ tensor }) => tensor)]);
  });

  it('checks the specs against the data before creating any tensor', async () => {
    const a = tf.tensor1d([1, 2, 3]);
    const serialized = await serializeTensors([{ name: 'a', tensor: a }]);
    a.dispose();
    const before = tf.memory().numTensors;
    // 3 float32 values are 12 bytes; a spec claiming 1e9 elements must not reach tfjs's decoder.
    expect(() =>
      deserializeTensors({ specs: [{ name: 'a', shape: [1e9], dtype: 'float32' }], data: serialized.data }, 'ema'),
    ).toThrow(
      /^ema\.data: expected 4,000,000,000 bytes \(the sizes of the 1 tensors in ema\.specs\), received 12 bytes/,
    );
    expect(() =>
      deserializeTensors({ specs: [{ name: 'a', shape: [-3], dtype: 'float32' }], data: serialized.data }, 'ema'),
    ).toThrow(/^ema\.specs\[0\]\.shape\[0\]: expected a non-negative integer, received -3/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
