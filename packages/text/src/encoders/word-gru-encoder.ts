import * as tf from '@tensorflow/tfjs';

import { assertInteger, InvalidArgumentError } from '@ganforge/core';

import { WordTokenizer } from '../tokenizers/word-tokenizer.js';
import { assertDim, initializeRecurrentKernel, LayersTextEncoder, SeededGlorot } from './text-encoder.js';

export interface WordGruEncoderOptions {
  /** A word tokenizer, e.g. `WordTokenizer.fromCorpus(captions)`. Its padding should be 'pre' (the default). */
  readonly tokenizer: WordTokenizer;
  /** Embedding size. Default 1024. */
  readonly dim?: number;
  /** Size of the learned word vectors. Default 128. */
  readonly wordDim?: number;
  /** GRU units. Default 256. */
  readonly units?: number;
  /** Seed of the weight initialisers. Default 0. */
  readonly seed?: number;
  /** A trained model (from `loadTextEncoder`); the other options except the tokenizer are then ignored. */
  readonly model?: tf.LayersModel;
}

/**
 * Word vectors read by a GRU; the final state, mapped linearly, is the embedding. Captions are
 * padded in front ('pre'), so the final state follows the last word.
 *
 * @example
 * ```ts
 * const tokenizer = WordTokenizer.fromCorpus(captions, { maxLength: 16 });
 * const encoder = new WordGruEncoder({ tokenizer, dim: 128, units: 64 });
 * const embeddings = encoder.encode(['a small red circle']); // [1, 128]
 * ```
 */
export class WordGruEncoder extends LayersTextEncoder {
  constructor(options: WordGruEncoderOptions) {
    if (!(options?.tokenizer instanceof WordTokenizer)) {
      throw new InvalidArgumentError(
        'options.tokenizer',
        'a WordTokenizer (e.g. WordTokenizer.fromCorpus(captions))',
        options?.tokenizer,
      );
    }
    super('word-gru', options.tokenizer, options.model ?? buildWordGru(options.tokenizer, options));
  }
}

function buildWordGru(tokenizer: WordTokenizer, options: WordGruEncoderOptions): tf.LayersModel {
  const dim = options.dim ?? 1024;
  const wordDim = options.wordDim ?? 128;
  const units = options.units ?? 256;
  assertDim(dim, 'options.dim');
  assertInteger(wordDim, 1, 1 << 14, 'options.wordDim');
  assertInteger(units, 1, 1 << 14, 'options.units');
  const init = new SeededGlorot(options.seed ?? 0);
  const ids = tf.input({ shape: [tokenizer.maxLength], name: 'words' });
  let x = tf.layers
    .embedding({
      inputDim: tokenizer.vocabularySize,
      outputDim: wordDim,
      embeddingsInitializer: tf.initializers.randomUniform({
        minval: -0.05,
        maxval: 0.05,
        seed: (options.seed ?? 0) * 1000,
      }),
      name: 'word_vectors',
    })
    .apply(ids) as tf.SymbolicTensor;
  // Orthogonal recurrent kernel, written after the model is built (see orthogonalMatrix).
  const recurrent = tf.layers.gru({
    units,
    kernelInitializer: init.next(),
    recurrentInitializer: 'zeros',
    name: 'recurrent',
  });
  x = recurrent.apply(x) as tf.SymbolicTensor;
  const recurrentSeed = init.nextSeed();
  const embedding = tf.layers
    .dense({ units: dim, kernelInitializer: init.next(), name: 'embedding' })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: embedding, name: 'word_gru' });
  initializeRecurrentKernel(recurrent, recurrentSeed);
  return model;
}
