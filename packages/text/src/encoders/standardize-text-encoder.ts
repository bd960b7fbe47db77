import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '@ganforge/core';

import { assertTexts } from '../tokenizers/char-tokenizer.js';
import { BagOfWordsEncoder } from './bag-of-words-encoder.js';
import { CharCnnRnnEncoder } from './char-cnn-rnn-encoder.js';
import { FeatureStandardization } from './feature-standardization.js';
import type { TextEncoder } from './text-encoder.js';
import { WordGruEncoder } from './word-gru-encoder.js';
import type { CharTokenizer } from '../tokenizers/char-tokenizer.js';
import type { WordTokenizer } from '../tokenizers/word-tokenizer.js';

/**
 * A copy of `encoder` whose embeddings are standardised per dimension (zero mean, unit variance) over
 * `texts`, by a fixed layer appended to its model. Text encoders trained with DS-SJE give small
 * embeddings that vary little between captions (on the captioned shapes: norm 0.5, per-dimension
 * standard deviation 0.03); standardised, they reach the GAN's conditioning layers (initialised
 * N(0, 0.02), Radford et al. 2016) with a weight comparable to the noise's. The copy shares the
 * original's weights: dispose only one of them.
 *
 * @example
 * ```ts
 * const conditioned = standardizeTextEncoder(encoder, trainingCaptions);
 * const embeddings = encodeInChunks(conditioned, trainingCaptions); // mean 0, variance 1 per dimension
 * ```
 */
export function standardizeTextEncoder(encoder: TextEncoder, texts: readonly string[], chunk = 256): TextEncoder {
  assertTexts(texts);
  if (texts.length < 2) throw new InvalidArgumentError('texts', 'at least two texts to measure a spread', texts);
  const embeddings: tf.Tensor2D[] = [];
  for (let start = 0; start < texts.length; start += chunk)
    embeddings.push(encoder.encode(texts.slice(start, start + chunk)));
  const { mean, scale } = tf.tidy(() => {
    const all = tf.concat(embeddings);
    const moments = tf.moments(all, 0);
    // A dimension that never varies is centred but not amplified.
    return { mean: moments.mean, scale: tf.div(1, tf.sqrt(moments.variance).maximum(1e-6)) };
  });
  tf.dispose(embeddings);
  const layer = new FeatureStandardization({ name: 'standardize' });
  const output = layer.apply(encoder.model.outputs[0]!) as tf.SymbolicTensor;
  layer.setWeights([mean, scale]);
  tf.dispose([mean, scale]);
  const model = tf.model({ inputs: encoder.model.inputs, outputs: output, name: `${encoder.model.name}_standardized` });
  switch (encoder.kind) {
    case 'char-cnn-rnn':
      return new CharCnnRnnEncoder({ tokenizer: encoder.tokenizer as CharTokenizer, model });
    case 'word-gru':
      return new WordGruEncoder({ tokenizer: encoder.tokenizer as WordTokenizer, model });
    default:
      return new BagOfWordsEncoder({ tokenizer: encoder.tokenizer as WordTokenizer, model });
  }
}
