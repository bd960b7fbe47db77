import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '@ganforge/core';

import { WordTokenizer } from '../tokenizers/word-tokenizer.js';
import { assertDim, LayersTextEncoder, SeededGlorot } from './text-encoder.js';
import { BagOfTokens } from './text-layers.js';

export interface BagOfWordsEncoderOptions {
  /** A word tokenizer, e.g. `WordTokenizer.fromCorpus(captions)`. */
  readonly tokenizer: WordTokenizer;
  /** Embedding size. Default 1024. */
  readonly dim?: number;
  /** Seed of the weight initialiser. Default 0. */
  readonly seed?: number;
  /** A trained model (from `loadTextEncoder`). */
  readonly model?: tf.LayersModel;
}

/**
 * A cheap baseline: a linear map of the caption's normalised word counts (word order ignored).
 *
 * @example
 * ```ts
 * const encoder = new BagOfWordsEncoder({ tokenizer: WordTokenizer.fromCorpus(captions), dim: 64 });
 * const embeddings = encoder.encode(['a big blue square']); // [1, 64]
 * ```
 */
export class BagOfWordsEncoder extends LayersTextEncoder {
  constructor(options: BagOfWordsEncoderOptions) {
    if (!(options?.tokenizer instanceof WordTokenizer)) {
      throw new InvalidArgumentError(
        'options.tokenizer',
        'a WordTokenizer (e.g. WordTokenizer.fromCorpus(captions))',
        options?.tokenizer,
      );
    }
    super('bag-of-words', options.tokenizer, options.model ?? buildBagOfWords(options.tokenizer, options));
  }
}

function buildBagOfWords(tokenizer: WordTokenizer, options: BagOfWordsEncoderOptions): tf.LayersModel {
  const dim = options.dim ?? 1024;
  assertDim(dim, 'options.dim');
  const ids = tf.input({ shape: [tokenizer.maxLength], name: 'words' });
  const counts = new BagOfTokens({ vocabularySize: tokenizer.vocabularySize, name: 'word_counts' }).apply(
    ids,
  ) as tf.SymbolicTensor;
  const embedding = tf.layers
    .dense({ units: dim, kernelInitializer: new SeededGlorot(options.seed ?? 0).next(), name: 'embedding' })
    .apply(counts) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: embedding, name: 'bag_of_words' });
}
