import * as tf from '@tensorflow/tfjs';

import { assertInteger, InvalidArgumentError, seededRandom, ShapeMismatchError } from '@ganforge/core';

import { assertTexts } from '../tokenizers/char-tokenizer.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';

/** The encoders GANForge ships; the kind names the architecture in saved files. */
export type TextEncoderKind = 'char-cnn-rnn' | 'word-gru' | 'bag-of-words';

/**
 * Maps captions to embedding vectors. `model` is a plain `tf.LayersModel` from token ids
 * [B, tokenizer.maxLength] to embeddings [B, dim], so it trains with any tfjs optimizer and saves
 * with `serializeTextEncoder`.
 */
export interface TextEncoder {
  readonly kind: TextEncoderKind;
  /** Size of an embedding. */
  readonly dim: number;
  readonly tokenizer: Tokenizer;
  readonly model: tf.LayersModel;
  /** The model's input for `texts`: token ids [texts.length, maxLength] (float32, as tf.input expects). */
  tokenize(texts: readonly string[]): tf.Tensor2D;
  /** Embeddings [texts.length, dim] in inference mode. */
  encode(texts: readonly string[]): tf.Tensor2D;
  /** Frees the model's weights. */
  dispose(): void;
}

/** The shared implementation of GANForge's encoders: a tokenizer in front of a layers model. */
export class LayersTextEncoder implements TextEncoder {
  readonly dim: number;

  constructor(
    readonly kind: TextEncoderKind,
    readonly tokenizer: Tokenizer,
    readonly model: tf.LayersModel,
  ) {
    const input = model.inputs[0]?.shape;
    if (model.inputs.length !== 1 || input?.length !== 2 || input[1] !== tokenizer.maxLength) {
      throw new ShapeMismatchError(
        'model input',
        `[null, ${tokenizer.maxLength}] (one row of token ids per text, tokenizer.maxLength wide)`,
        (input ?? []).map((d) => d ?? -1),
      );
    }
    const output = model.outputs[0]?.shape;
    if (model.outputs.length !== 1 || output?.length !== 2 || typeof output[1] !== 'number') {
      throw new ShapeMismatchError(
        'model output',
        '[null, dim]',
        (output ?? []).map((d) => d ?? -1),
      );
    }
    this.dim = output[1];
  }

  tokenize(texts: readonly string[]): tf.Tensor2D {
    assertTexts(texts);
    if (texts.length === 0) throw new InvalidArgumentError('texts', 'at least one text', texts);
    const ids = this.tokenizer.encodeBatch(texts);
    return tf.tensor2d(Float32Array.from(ids), [texts.length, this.tokenizer.maxLength]);
  }

  encode(texts: readonly string[]): tf.Tensor2D {
    return tf.tidy(() => this.model.predict(this.tokenize(texts)) as tf.Tensor2D);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** A seeded Glorot-uniform initializer per layer, so the same options and seed give the same model. */
export class SeededGlorot {
  #next: number;

  constructor(seed: number) {
    assertInteger(seed, 0, 2 ** 31 - 1, 'options.seed');
    this.#next = seed * 1000 + 1;
  }

  next(): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: this.#next++ });
  }

  /** A seed for {@link orthogonalMatrix}, drawn in turn with the initialisers. */
  nextSeed(): number {
    return this.#next++;
  }
}

/**
 * A [rows, columns] matrix with orthonormal rows (or columns, when there are fewer), by Gram-Schmidt
 * on seeded normal draws: the recurrent initialisation of Saxe et al. 2014. Computed in JavaScript
 * because tf.initializers.orthogonal runs a QR decomposition that takes minutes on tfjs's cpu backend
 * for a 256 x 768 GRU kernel.
 */
export function orthogonalMatrix(rows: number, columns: number, seed: number): tf.Tensor2D {
  const transpose = rows > columns;
  const [count, length] = transpose ? [columns, rows] : [rows, columns];
  const random = seededRandom(seed, 'orthogonal');
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const vectors: Float64Array[] = [];
  while (vectors.length < count) {
    const v = Float64Array.from({ length }, normal);
    for (const u of vectors) {
      let dot = 0;
      for (let i = 0; i < length; i++) dot += u[i]! * v[i]!;
      for (let i = 0; i < length; i++) v[i]! -= dot * u[i]!;
    }
    let norm = 0;
    for (let i = 0; i < length; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm < 1e-6) continue; // a (vanishingly unlikely) dependent draw: draw again
    for (let i = 0; i < length; i++) v[i]! /= norm;
    vectors.push(v);
  }
  const flat = new Float32Array(rows * columns);
  vectors.forEach((v, r) => v.forEach((value, c) => (flat[transpose ? c * columns + r : r * columns + c] = value)));
  return tf.tensor2d(flat, [rows, columns]);
}

/** Writes an orthogonal matrix into a recurrent layer's recurrent kernel (its second weight). */
export function initializeRecurrentKernel(layer: tf.layers.Layer, seed: number): void {
  // getWeights gives the variables' own tensors: they must not be disposed here.
  const weights = layer.getWeights();
  const kernel = weights[1]!;
  const [rows, columns] = kernel.shape as [number, number];
  const orthogonal = orthogonalMatrix(rows, columns, seed);
  layer.setWeights([weights[0]!, orthogonal, ...weights.slice(2)]);
  orthogonal.dispose();
}

export function assertDim(value: unknown, argument: string): asserts value is number {
  assertInteger(value, 1, 1 << 16, argument);
}
