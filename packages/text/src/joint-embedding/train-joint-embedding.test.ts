import { useBackend } from '@ganforge/backend-node';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';

import { BagOfWordsEncoder } from '../encoders/bag-of-words-encoder.js';
import { CharCnnRnnEncoder } from '../encoders/char-cnn-rnn-encoder.js';
import { WordTokenizer } from '../tokenizers/word-tokenizer.js';
import { smallImageEncoder } from './image-encoder.js';
import { type CaptionedImages, trainJointEmbedding } from './train-joint-embedding.js';

const colours: Record<string, [number, number, number]> = {
  red: [1, -1, -1],
  green: [-1, 1, -1],
  blue: [-1, -1, 1],
  white: [1, 1, 1],
};
const names = Object.keys(colours);

/** Flat-coloured 8x8 pictures, `copies` per colour, with a noisy pixel each; two captions per picture. */
function pictures(copies: number, offset: number): CaptionedImages {
  const images: number[] = [];
  const captions: string[] = [];
  const imageOfCaption: number[] = [];
  const classes: number[] = [];
  names.forEach((name, colour) => {
    for (let copy = 0; copy < copies; copy++) {
      const index = classes.length;
      for (let pixel = 0; pixel < 64; pixel++) {
        const rgb = colours[name]!;
        images.push(...rgb.map((v) => (pixel === (copy * 7 + offset) % 64 ? 0 : v * 0.9)));
      }
      captions.push(`a ${name} picture`, `all ${name}`);
      imageOfCaption.push(index, index);
      classes.push(colour);
    }
  });
  return { images: tf.tensor4d(images, [classes.length, 8, 8, 3]), captions, imageOfCaption, classes };
}

describe('trainJointEmbedding (WASM backend)', () => {
  beforeAll(async () => {
    await useBackend({ backend: 'wasm', log: false });
  });

  it('learns caption-to-image retrieval on held-out pictures, with a flat tensor count', async () => {
    const train = pictures(4, 0);
    const validation = pictures(2, 3);
    const encoder = new BagOfWordsEncoder({ tokenizer: WordTokenizer.fromCorpus(train.captions), dim: 8, seed: 1 });
    const imageEncoder = smallImageEncoder({ size: 8, dim: 8, filters: 4, seed: 1 });
    const counts: number[] = [];
    const losses: number[] = [];
    const result = await trainJointEmbedding({
      textEncoder: encoder,
      imageEncoder,
      train,
      validation,
      steps: 60,
      batchSize: 8,
      learningRate: 1e-2,
      seed: 3,
      onStep: ({ loss }) => {
        losses.push(loss);
        counts.push(tf.memory().numTensors);
      },
    });
    expect(result.steps).toBe(60);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(
      losses.slice(0, 5).reduce((a, b) => a + b) / 5 / 4,
    );
    // 4 classes, 2 pictures each: chance top-1 is 1/4; the trained pair finds the colour every time.
    expect(result.retrieval!.chanceTop1).toBeCloseTo(0.25, 6);
    expect(result.retrieval!.top1).toBe(1);
    tf.dispose([train.images, validation.images]);
    encoder.dispose();
    imageEncoder.dispose();
  });

  it('trains the char-CNN-RNN (conv, temporal max-pool and GRU gradients on WASM)', async () => {
    const train = pictures(2, 0);
    const encoder = new CharCnnRnnEncoder({
      dim: 8,
      maxLength: 24,
      filters: [8, 8],
      kernelSize: 3,
      poolSize: 2,
      rnnUnits: 8,
      seed: 2,
    });
    const losses: number[] = [];
    const result = await trainJointEmbedding({
      textEncoder: encoder,
      train,
      validation: train,
      steps: 40,
      batchSize: 8,
      learningRate: 1e-2,
      onStep: ({ loss }) => losses.push(loss),
    });
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(
      losses.slice(0, 5).reduce((a, b) => a + b) / 5 / 2,
    );
    expect(result.retrieval!.top1).toBeGreaterThan(0.5);
    result.imageEncoder.dispose();
    encoder.dispose();
    tf.dispose(train.images);
  });

  it('names bad arguments', async () => {
    const train = pictures(1, 0);
    const encoder = new BagOfWordsEncoder({ tokenizer: WordTokenizer.fromCorpus(train.captions), dim: 4 });
    await expect(trainJointEmbedding({ textEncoder: {} as never, train, steps: 1 })).rejects.toThrow(
      /options.textEncoder: expected a TextEncoder/,
    );
    await expect(
      trainJointEmbedding({ textEncoder: encoder, train: { ...train, imageOfCaption: [0] }, steps: 1 }),
    ).rejects.toThrow(/options.train.imageOfCaption: expected 8 entries \(one per caption\)/);
    await expect(
      trainJointEmbedding({
        textEncoder: encoder,
        train,
        imageEncoder: smallImageEncoder({ size: 8, dim: 5 }),
        steps: 1,
        batchSize: 2,
      }),
    ).rejects.toThrow(
      /options.imageEncoder output: expected shape \[null, 4\] \(textEncoder.dim\), received \[-1, 5\]/,
    );
    encoder.dispose();
    tf.dispose(train.images);
  });
});

describe('trainJointEmbedding under GANFORGE_MAX_STEPS', () => {
  it('runs the capped number of steps and says so in one line', async () => {
    // Expected: min(60 requested, 2 from the variable) = 2 steps, by the rule of capTrainingSteps.
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.stubEnv('GANFORGE_MAX_STEPS', '2');
    const train = pictures(2, 0);
    const encoder = new BagOfWordsEncoder({ tokenizer: WordTokenizer.fromCorpus(train.captions), dim: 8, seed: 1 });
    const imageEncoder = smallImageEncoder({ size: 8, dim: 8, filters: 4, seed: 1 });
    const steps: number[] = [];
    try {
      const result = await trainJointEmbedding({
        textEncoder: encoder,
        imageEncoder,
        train,
        steps: 60,
        batchSize: 4,
        onStep: ({ step }) => void steps.push(step),
      });
      expect([result.steps, steps]).toEqual([2, [1, 2]]);
      expect(lines.mock.calls.map(([line]) => line)).toEqual([
        expect.stringMatching(/^\[ganforge\] GANFORGE_MAX_STEPS=2: trainJointEmbedding runs 2 of its 60 steps/),
      ]);
    } finally {
      vi.unstubAllEnvs();
      lines.mockRestore();
      tf.dispose(train.images);
      encoder.dispose();
      imageEncoder.dispose();
    }
  });
});
