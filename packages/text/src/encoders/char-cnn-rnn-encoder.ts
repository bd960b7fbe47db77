import * as tf from '@tensorflow/tfjs';

import { assertInteger, InvalidArgumentError } from '@ganforge/core';

import { CharTokenizer } from '../tokenizers/char-tokenizer.js';
import { assertDim, initializeRecurrentKernel, LayersTextEncoder, SeededGlorot } from './text-encoder.js';
import { OneHotTokens, TemporalMaxPooling } from './text-layers.js';

export interface CharCnnRnnEncoderOptions {
  /** Embedding size. Default 1024 (Reed et al. 2016). */
  readonly dim?: number;
  /** Characters per caption. Default 201 (Reed et al. 2016). Ignored when `tokenizer` is given. */
  readonly maxLength?: number;
  /** Filters of each temporal convolution. Default [384, 512, 256] (Reed et al.'s char-CNN). */
  readonly filters?: readonly number[];
  /** Width of each temporal convolution. Default 4. */
  readonly kernelSize?: number;
  /** Non-overlapping max-pooling after each convolution. Default 3. */
  readonly poolSize?: number;
  /** Units of the recurrent layer on top of the convolutions. Default 256. */
  readonly rnnUnits?: number;
  /** The recurrent cell. Default 'gru'. */
  readonly cell?: 'gru' | 'lstm' | 'simple';
  /** Seed of the weight initialisers. Default 0. */
  readonly seed?: number;
  readonly tokenizer?: CharTokenizer;
  /** A trained model (from `loadTextEncoder`); the other options are then ignored. */
  readonly model?: tf.LayersModel;
}

/**
 * The char-CNN-RNN text encoder (Reed et al. 2016, "Learning Deep Representations of Fine-Grained
 * Visual Descriptions", sec. 3.3): temporal convolutions with ReLU and max-pooling over one-hot
 * characters, a recurrent layer over the pooled sequence, its hidden states averaged over time, and a
 * linear map to the embedding.
 *
 * @example
 * ```ts
 * const encoder = new CharCnnRnnEncoder({ dim: 128, maxLength: 96, filters: [64, 64, 64], rnnUnits: 64 });
 * const embeddings = encoder.encode(['a small red circle on the left']); // [1, 128]
 * ```
 */
export class CharCnnRnnEncoder extends LayersTextEncoder {
  constructor(options: CharCnnRnnEncoderOptions = {}) {
    const tokenizer = options.tokenizer ?? new CharTokenizer({ maxLength: options.maxLength ?? 201 });
    if (!(tokenizer instanceof CharTokenizer)) {
      throw new InvalidArgumentError('options.tokenizer', 'a CharTokenizer', tokenizer);
    }
    super('char-cnn-rnn', tokenizer, options.model ?? buildCharCnnRnn(tokenizer, options));
  }
}

function buildCharCnnRnn(tokenizer: CharTokenizer, options: CharCnnRnnEncoderOptions): tf.LayersModel {
  const dim = options.dim ?? 1024;
  const filters = options.filters ?? [384, 512, 256];
  const kernelSize = options.kernelSize ?? 4;
  const poolSize = options.poolSize ?? 3;
  const rnnUnits = options.rnnUnits ?? 256;
  const cell = options.cell ?? 'gru';
  assertDim(dim, 'options.dim');
  if (!Array.isArray(filters) || filters.length === 0) {
    throw new InvalidArgumentError('options.filters', 'a non-empty array of filter counts', filters);
  }
  filters.forEach((count, index) => assertInteger(count, 1, 1 << 14, `options.filters[${index}]`));
  assertInteger(kernelSize, 1, 64, 'options.kernelSize');
  assertInteger(poolSize, 1, 64, 'options.poolSize');
  assertInteger(rnnUnits, 1, 1 << 14, 'options.rnnUnits');
  if (cell !== 'gru' && cell !== 'lstm' && cell !== 'simple') {
    throw new InvalidArgumentError('options.cell', "'gru', 'lstm' or 'simple'", cell);
  }
  let steps = tokenizer.maxLength;
  for (let stage = 0; stage < filters.length; stage++) steps = Math.floor((steps - kernelSize + 1) / poolSize);
  if (steps < 1) {
    throw new InvalidArgumentError(
      'options.maxLength',
      `a length that leaves at least one time step after ${filters.length} convolutions of width ${kernelSize} and pooling by ${poolSize}`,
      tokenizer.maxLength,
      'Use longer rows, fewer convolutions or smaller kernels and pools.',
    );
  }

  const init = new SeededGlorot(options.seed ?? 0);
  const ids = tf.input({ shape: [tokenizer.maxLength], name: 'characters' });
  let x = new OneHotTokens({ depth: tokenizer.vocabularySize - 1, name: 'one_hot' }).apply(ids) as tf.SymbolicTensor;
  filters.forEach((count, stage) => {
    x = tf.layers
      .conv1d({
        filters: count,
        kernelSize,
        activation: 'relu',
        kernelInitializer: init.next(),
        name: `temporal_conv${stage + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
    x = new TemporalMaxPooling({ poolSize, name: `temporal_pool${stage + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  const recurrentOptions = {
    units: rnnUnits,
    returnSequences: true,
    kernelInitializer: init.next(),
    // Orthogonal, written after the model is built (see orthogonalMatrix).
    recurrentInitializer: 'zeros' as const,
    name: 'recurrent',
  };
  const recurrent =
    cell === 'gru'
      ? tf.layers.gru(recurrentOptions)
      : cell === 'lstm'
        ? tf.layers.lstm(recurrentOptions)
        : tf.layers.simpleRNN(recurrentOptions);
  x = recurrent.apply(x) as tf.SymbolicTensor;
  const recurrentSeed = init.nextSeed();
  // Reed et al. sec. 3.3: "the final encoded feature is the average hidden unit activation over the sequence".
  x = tf.layers.globalAveragePooling1d({ name: 'average_over_time' }).apply(x) as tf.SymbolicTensor;
  const embedding = tf.layers
    .dense({ units: dim, kernelInitializer: init.next(), name: 'embedding' })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: embedding, name: 'char_cnn_rnn' });
  initializeRecurrentKernel(recurrent, recurrentSeed);
  return model;
}
