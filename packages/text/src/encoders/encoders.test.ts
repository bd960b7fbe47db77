import { readFileSync } from 'node:fs';

import { CheckpointError, InvalidArgumentError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { CharTokenizer } from '../tokenizers/char-tokenizer.js';
import { WordTokenizer } from '../tokenizers/word-tokenizer.js';
import { BagOfWordsEncoder } from './bag-of-words-encoder.js';
import { CharCnnRnnEncoder } from './char-cnn-rnn-encoder.js';
import { orthogonalMatrix, type TextEncoder } from './text-encoder.js';
import {
  loadTextEncoder,
  serializeTextEncoder,
  textEncoderFromJson,
  textEncoderToJson,
} from './text-encoder-serialization.js';
import { WordGruEncoder } from './word-gru-encoder.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/char-cnn-rnn.json', import.meta.url), 'utf8')) as {
  options: {
    maxLength: number;
    filters: number[];
    kernelSize: number;
    poolSize: number;
    rnnUnits: number;
    dim: number;
    cell: 'simple';
  };
  texts: string[];
  ids: number[][];
  embeddings: number[][];
};

/** Element i of weight tensor k = 0.6 sin(1.3 i + k), as in fixtures/char-cnn-rnn.py. */
function fillWeights(model: tf.LayersModel): void {
  model.weights.forEach((weight, k) => {
    const size = weight.shape.reduce<number>((product, dimension) => product * (dimension ?? 1), 1);
    weight.write(
      tf.tensor(
        Array.from({ length: size }, (_, i) => 0.6 * Math.sin(1.3 * i + k)),
        weight.shape as number[],
      ),
    );
  });
}

const corpus = ['a small red circle on the left', 'a big blue square at the top', 'a tiny green cross'];

describe('text encoders', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('CharCnnRnnEncoder matches a PyTorch reference of the same network (fixtures/char-cnn-rnn.py)', () => {
    const encoder = new CharCnnRnnEncoder({ ...fixture.options, seed: 3 });
    expect(encoder.model.weights.map((w) => w.shape)).toEqual([
      [2, 71, 3],
      [3],
      [2, 3, 2],
      [2],
      [2, 2],
      [2, 2],
      [2],
      [2, 3],
      [3],
    ]);
    fillWeights(encoder.model);
    const ids = encoder.tokenize(fixture.texts);
    expect(ids.arraySync()).toEqual(fixture.ids);
    const embeddings = encoder.encode(fixture.texts);
    const values = embeddings.arraySync();
    fixture.embeddings.forEach((row, i) => row.forEach((value, j) => expect(values[i]![j]).toBeCloseTo(value, 5)));
    tf.dispose([ids, embeddings]);
    encoder.dispose();
  });

  it("CharCnnRnnEncoder defaults to Reed et al.'s sizes: 201 characters, 384-512-256 filters, 1024-d", () => {
    const encoder = new CharCnnRnnEncoder();
    expect(encoder.dim).toBe(1024);
    expect(encoder.tokenizer.maxLength).toBe(201);
    const convs = encoder.model.layers.filter((layer) => layer.name.startsWith('temporal_conv'));
    expect(convs.map((layer) => layer.outputShape)).toEqual([
      [null, 198, 384],
      [null, 63, 512],
      [null, 18, 256],
    ]);
    expect(encoder.model.getLayer('recurrent').outputShape).toEqual([null, 6, 256]);
    encoder.dispose();
  });

  it('every encoder maps texts to [N, dim] and leaves no tensors behind', () => {
    const words = WordTokenizer.fromCorpus(corpus, { maxLength: 8 });
    const encoders: TextEncoder[] = [
      new CharCnnRnnEncoder({ dim: 16, maxLength: 40, filters: [8, 8], rnnUnits: 8 }),
      new WordGruEncoder({ tokenizer: words, dim: 16, wordDim: 8, units: 8 }),
      new BagOfWordsEncoder({ tokenizer: words, dim: 16 }),
    ];
    for (const encoder of encoders) {
      const before = tf.memory().numTensors;
      const embeddings = encoder.encode(corpus);
      expect(embeddings.shape).toEqual([3, 16]);
      embeddings.dispose();
      expect(tf.memory().numTensors).toBe(before);
      encoder.dispose();
    }
  });

  it('BagOfWordsEncoder is a linear map of normalised word counts (hand computation)', () => {
    const tokenizer = new WordTokenizer(['red', 'circle'], { maxLength: 4 });
    const encoder = new BagOfWordsEncoder({ tokenizer, dim: 2 });
    // Kernel rows: OOV, red, circle; bias [0.5, -0.5].
    encoder.model.getLayer('embedding').setWeights([
      tf.tensor2d([
        [1, 0],
        [0, 1],
        [2, 3],
      ]),
      tf.tensor1d([0.5, -0.5]),
    ]);
    // 'red red circle zzz': counts OOV 1, red 2, circle 1 over 4 words -> [0.25, 0.5, 0.25].
    const embedding = encoder.encode(['red red circle zzz']);
    const [x, y] = Array.from(embedding.dataSync());
    expect(x).toBeCloseTo(0.25 * 1 + 0.25 * 2 + 0.5, 6);
    expect(y).toBeCloseTo(0.5 * 1 + 0.25 * 3 - 0.5, 6);
    embedding.dispose();
    encoder.dispose();
  });

  it('encoders save and load (tokenizer, topology, weights), as objects and as JSON', async () => {
    const words = WordTokenizer.fromCorpus(corpus, { maxLength: 8 });
    const encoders: TextEncoder[] = [
      new CharCnnRnnEncoder({ dim: 8, maxLength: 40, filters: [8, 8], rnnUnits: 8, seed: 1 }),
      new WordGruEncoder({ tokenizer: words, dim: 8, wordDim: 4, units: 4, seed: 1 }),
      new BagOfWordsEncoder({ tokenizer: words, dim: 8, seed: 1 }),
    ];
    for (const encoder of encoders) {
      const expected = encoder.encode(corpus);
      for (const copy of [
        await loadTextEncoder(await serializeTextEncoder(encoder)),
        await textEncoderFromJson(await textEncoderToJson(encoder)),
      ]) {
        expect(copy.kind).toBe(encoder.kind);
        expect(copy.constructor).toBe(encoder.constructor);
        const actual = copy.encode(corpus);
        expect(actual.arraySync()).toEqual(expected.arraySync());
        actual.dispose();
        copy.dispose();
      }
      expected.dispose();
      encoder.dispose();
    }
  });

  it('orthogonalMatrix has orthonormal rows (wide) or columns (tall), and depends on the seed', () => {
    for (const [rows, columns] of [
      [4, 12],
      [12, 4],
      [5, 5],
    ] as const) {
      const q = orthogonalMatrix(rows, columns, 7);
      const gram = rows <= columns ? tf.matMul(q, q, false, true) : tf.matMul(q, q, true, false);
      const identity = tf.eye(Math.min(rows, columns));
      expect(tf.max(tf.abs(tf.sub(gram, identity))).dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([q, gram, identity]);
    }
    const [a, b, c] = [orthogonalMatrix(3, 6, 1), orthogonalMatrix(3, 6, 1), orthogonalMatrix(3, 6, 2)];
    expect(a.arraySync()).toEqual(b.arraySync());
    expect(a.arraySync()).not.toEqual(c.arraySync());
    tf.dispose([a, b, c]);
  });

  it('errors name the argument, the expectation and what was received', async () => {
    expect(() => new CharCnnRnnEncoder({ maxLength: 10 })).toThrow(
      /options.maxLength: expected a length that leaves at least one time step after 3 convolutions of width 4 and pooling by 3, received 10/,
    );
    expect(() => new CharCnnRnnEncoder({ filters: [] })).toThrow(/options.filters: expected a non-empty array/);
    expect(() => new CharCnnRnnEncoder({ cell: 'transformer' as never, maxLength: 201 })).toThrow(
      /options.cell: expected 'gru', 'lstm' or 'simple'/,
    );
    expect(() => new WordGruEncoder({ tokenizer: new CharTokenizer() as never })).toThrow(InvalidArgumentError);
    expect(() => new BagOfWordsEncoder({} as never)).toThrow(/options.tokenizer: expected a WordTokenizer/);
    const encoder = new BagOfWordsEncoder({ tokenizer: WordTokenizer.fromCorpus(corpus), dim: 4 });
    expect(() => encoder.encode([])).toThrow(/texts: expected at least one text/);
    expect(() => encoder.encode('a red circle' as never)).toThrow(
      /texts: expected an array of strings, received "a red circle"/,
    );
    await expect(loadTextEncoder({ format: 'onnx' } as never)).rejects.toThrow(CheckpointError);
    await expect(textEncoderFromJson('{not json')).rejects.toThrow(
      /^text encoder JSON: expected JSON written by textEncoderToJson, received text that is not JSON/,
    );
    encoder.dispose();
  });
});
