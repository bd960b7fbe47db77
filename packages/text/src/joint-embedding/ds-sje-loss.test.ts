import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { dsSjeLoss } from './ds-sje-loss.js';
import { captionToImageRetrieval } from './retrieval.js';

const value = (scalar: tf.Scalar) => {
  const result = scalar.dataSync()[0]!;
  scalar.dispose();
  return result;
};

describe('dsSjeLoss', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is zero when every pair beats every other class by the margin', () => {
    const images = tf.tensor2d([
      [2, 0],
      [0, 2],
    ]);
    const texts = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    // F = [[2, 0], [0, 2]]: own class 2, other class 0, margin 1 -> no violation.
    expect(value(dsSjeLoss(images, texts, [7, 9]))).toBe(0);
    expect(value(dsSjeLoss(images, texts, [7, 9], { aggregate: 'max' }))).toBe(0);
    tf.dispose([images, texts]);
  });

  it('matches the hand computation for swapped captions', () => {
    const images = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const texts = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    // F = [[0, 1], [1, 0]]. Image 0: own 0, other 1 -> 1 + 1 - 0 = 2; likewise image 1 and both
    // captions. Each direction averages 2; the loss is their mean, 2, for 'max' and 'sum' alike.
    expect(value(dsSjeLoss(images, texts, [0, 1]))).toBeCloseTo(2, 6);
    expect(value(dsSjeLoss(images, texts, [0, 1], { aggregate: 'max' }))).toBeCloseTo(2, 6);
    tf.dispose([images, texts]);
  });

  it('averages the compatibility over the members of a class, and sums or maxes the violations', () => {
    // Three pairs, classes [a, a, b]. theta(v) and phi(t) are 1-d, so F[i][j] = v_i * t_j.
    const images = tf.tensor2d([[1], [2], [-1]]);
    const texts = tf.tensor2d([[1], [3], [2]]);
    // F = [[1, 3, 2], [2, 6, 4], [-1, -3, -2]].
    // Image -> text (scores per class: a = mean of columns 0-1, b = column 2):
    //   image 0: a 2, b 2 -> own a: violation by b = 1 + 2 - 2 = 1
    //   image 1: a 4, b 4 -> 1
    //   image 2: a -2, b -2 -> own b: violation by a = 1 + (-2) - (-2) = 1      => mean 1
    // Text -> image (per caption j, a = mean of rows 0-1, b = row 2):
    //   caption 0: a 1.5, b -1 -> own a: 1 + (-1) - 1.5 = -1.5 -> sum: relu 0; max: max(0, -1.5) = 0
    //   caption 1: a 4.5, b -3 -> 1 - 3 - 4.5 = -6.5 -> 0
    //   caption 2: a 3, b -2 -> own b: 1 + 3 - (-2) = 6                          => mean 2
    // Loss = (1 + 2) / 2 = 1.5 for both aggregates (one competing class each).
    expect(value(dsSjeLoss(images, texts, [5, 5, 6]))).toBeCloseTo(1.5, 6);
    expect(value(dsSjeLoss(images, texts, [5, 5, 6], { aggregate: 'max' }))).toBeCloseTo(1.5, 6);
    tf.dispose([images, texts]);
  });

  it("'sum' adds every class's violation where 'max' keeps the largest", () => {
    // Three classes; image 0 is violated by classes 1 (by 1.5) and 2 (by 1): F row 0 = [0, 0.5, 0].
    const images = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const texts = tf.tensor2d([
      [0, 0, 0],
      [0.5, 3, 0],
      [0, 0, 3],
    ]);
    // Image -> text, F = images . texts^T = [[0, 0.5, 0], [0, 3, 0], [0, 0, 3]]:
    //   image 0: own 0; class 1: 1 + 0.5 = 1.5, class 2: 1 + 0 = 1  -> sum 2.5, max 1.5
    //   image 1: own 3; others 1 + 0 - 3 < 0                           -> 0
    //   image 2: own 3                                                -> 0   => sum 2.5/3, max 1.5/3
    // Text -> image uses the columns: caption 0: own 0, others 1 + 0 = 1 each -> sum 2, max 1;
    //   caption 1: own 3, image 0 scores 0.5 -> 1 + 0.5 - 3 < 0; caption 2: own 3 -> 0  => sum 2/3, max 1/3
    expect(value(dsSjeLoss(images, texts, [0, 1, 2]))).toBeCloseTo((2.5 / 3 + 2 / 3) / 2, 6);
    expect(value(dsSjeLoss(images, texts, [0, 1, 2], { aggregate: 'max' }))).toBeCloseTo((1.5 / 3 + 1 / 3) / 2, 6);
    tf.dispose([images, texts]);
  });

  it('leaves no tensors behind and names bad arguments', () => {
    const images = tf.ones([4, 3]) as tf.Tensor2D;
    const texts = tf.ones([4, 3]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    value(dsSjeLoss(images, texts, [0, 1, 2, 3]));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => dsSjeLoss(images, tf.ones([4, 2]) as tf.Tensor2D, [0, 1, 2, 3])).toThrow(
      /textEmbeddings: expected shape \[4, 3\] \(the shape of imageEmbeddings\), received \[4, 2\]/,
    );
    expect(() => dsSjeLoss(images, texts, [0, 1])).toThrow(
      /classes: expected 4 class ids \(one per pair\), received an array of length 2/,
    );
    expect(() => dsSjeLoss(images, texts, [0, 1, 2, 3], { aggregate: 'mean' as never })).toThrow(/options.aggregate/);
    tf.dispose([images, texts]);
  });
});

describe('captionToImageRetrieval', () => {
  it('counts a hit when an image of the caption class ranks first / in the first five', async () => {
    // 1-d embeddings: images score caption c by image * c. Six images, classes [0, 1, 1, 2, 3, 4].
    const images = tf.tensor2d([[1], [2], [3], [4], [5], [6]]);
    // Caption +1 ranks images 6, 5, 4, 3, 2, 1 (classes 4, 3, 2, 1, 1, 0); caption -1 the reverse.
    const texts = tf.tensor2d([[1], [-1], [1]]);
    // Caption 0 wants class 4: first -> top-1 and top-5 hit.
    // Caption 1 wants class 1: ranking 1, 2, 3 -> classes 0, 1, 1: top-5 hit only.
    // Caption 2 wants class 0: ranking classes 4, 3, 2, 1, 1 -> no hit (class 0 is sixth).
    const scores = await captionToImageRetrieval(texts, images, [4, 1, 0], [0, 1, 1, 2, 3, 4]);
    expect(scores.top1).toBeCloseTo(1 / 3, 6);
    expect(scores.top5).toBeCloseTo(2 / 3, 6);
    // Chance top-1: shares of images with the wanted class: 1/6, 2/6, 1/6 -> mean 4/18.
    expect(scores.chanceTop1).toBeCloseTo(4 / 18, 6);
    tf.dispose([images, texts]);
  });
});
