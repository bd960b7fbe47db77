import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { WordTokenizer } from '../tokenizers/word-tokenizer.js';
import { BagOfWordsEncoder } from './bag-of-words-encoder.js';
import { standardizeTextEncoder } from './standardize-text-encoder.js';
import { textEncoderFromJson, textEncoderToJson } from './text-encoder-serialization.js';

describe('standardizeTextEncoder', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('appends (x - mean) / std per dimension, measured on the given texts, and survives save/load', async () => {
    const texts = ['red', 'blue', 'red red blue'];
    const encoder = new BagOfWordsEncoder({ tokenizer: new WordTokenizer(['red', 'blue']), dim: 2 });
    // Counts over [OOV, red, blue] -> [0, 1, 0], [0, 0, 1], [0, 2/3, 1/3]; the kernel copies red and blue.
    encoder.model.getLayer('embedding').setWeights([
      tf.tensor2d([
        [0, 0],
        [1, 0],
        [0, 1],
      ]),
      tf.zeros([2]),
    ]);
    // Dimension 0 takes 1, 0, 2/3: mean 5/9, population variance ((4/9)^2 + (5/9)^2 + (1/9)^2) / 3 = 42/243.
    const standardized = standardizeTextEncoder(encoder, texts);
    expect(standardized.kind).toBe('bag-of-words');
    const values = standardized.encode(texts).arraySync();
    const std = Math.sqrt(42 / 243);
    expect(values[0]![0]).toBeCloseTo((1 - 5 / 9) / std, 4);
    expect(values[1]![0]).toBeCloseTo((0 - 5 / 9) / std, 4);
    expect(values[2]![0]).toBeCloseTo((2 / 3 - 5 / 9) / std, 4);
    // Dimension 1 is 1 minus dimension 0, so its standardised values are the negatives.
    values.forEach((row) => expect(row[1]).toBeCloseTo(-row[0]!, 4));
    const copy = await textEncoderFromJson(await textEncoderToJson(standardized));
    expect(copy.encode(texts).arraySync()).toEqual(values);
    expect(copy.model.getLayer('standardize').getClassName()).toBe('GanForgeFeatureStandardization');
    copy.dispose();
    standardized.dispose();
    expect(() => standardizeTextEncoder(encoder, ['only one'])).toThrow(/texts: expected at least two texts/);
  });
});
