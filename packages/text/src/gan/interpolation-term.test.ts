import { type GeneratorInputs, type GeneratorTermContext, nonSaturatingLoss } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { interpolationTerm, rollRows } from './interpolation-term.js';

/** A context whose G and D record what they are given; D's logit for an image is its mean. */
function stubContext(batch: GeneratorTermContext['batch'], noise: tf.Tensor) {
  const seen: { generate?: GeneratorInputs; discriminated?: [tf.Tensor, tf.Tensor | undefined] } = {};
  const context: GeneratorTermContext = {
    fake: tf.zeros([2, 1]),
    batch,
    noise,
    generate: (inputs) => {
      seen.generate = inputs;
      return tf.add(inputs.noise!.sum(1, true), inputs.condition!.sum(1, true));
    },
    discriminate: (images, condition) => {
      seen.discriminated = [images, condition];
      return images;
    },
    loss: nonSaturatingLoss(),
    seed: 1,
  };
  return { context, seen };
}

describe('interpolationTerm (GAN-INT)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("interpolates the batch's caption with its mismatched caption, beta = 0.5, and rolls z", () => {
    const condition = tf.tensor2d([
      [2, 0],
      [0, 4],
    ]);
    const mismatched = tf.tensor2d([
      [0, 2],
      [4, 0],
    ]);
    const noise = tf.tensor2d([[1], [3]]);
    const { context, seen } = stubContext(
      { real: tf.zeros([2, 1]), condition, mismatchedCondition: mismatched },
      noise,
    );
    const value = interpolationTerm().compute(context);
    expect(seen.generate!.condition!.arraySync()).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(seen.generate!.noise!.arraySync()).toEqual([[3], [1]]);
    // D sees G's output with the interpolated caption: logits [3 + 2, 1 + 4] = [5, 5].
    expect(seen.discriminated![1]!.arraySync()).toEqual([
      [1, 1],
      [2, 2],
    ]);
    // Non-saturating G loss: mean softplus(-logit) = softplus(-5).
    expect(value.dataSync()[0]).toBeCloseTo(Math.log1p(Math.exp(-5)), 6);
  });

  it('rolls the conditions when the batch has no mismatched ones, and honours beta', () => {
    const condition = tf.tensor2d([[4], [8], [12]]);
    const { context, seen } = stubContext({ real: tf.zeros([3, 1]), condition }, tf.zeros([3, 1]));
    interpolationTerm({ beta: 0.25 }).compute(context);
    // 0.25 * t1 + 0.75 * t2, t2 = rows rolled by one: [8, 12, 4].
    expect(seen.generate!.condition!.arraySync()).toEqual([[7], [11], [6]]);
    expect(rollRows(tf.tensor1d([1, 2, 3])).arraySync()).toEqual([2, 3, 1]);
  });

  it('names bad options and a batch without captions', () => {
    expect(() => interpolationTerm({ beta: 1.5 })).toThrow(/options.beta: expected a number in \[0, 1\], received 1.5/);
    const { context } = stubContext({ real: tf.zeros([2, 1]) }, tf.zeros([2, 1]));
    expect(() => interpolationTerm().compute(context)).toThrow(/batch.condition: expected caption embeddings/);
  });
});
