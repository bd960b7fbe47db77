import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { textToImageDiscriminator, textToImageGenerator, textToImageModels } from './text-to-image-models.js';

describe('text-to-image models (Reed et al. 2016)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('G: [z, embedding] -> images in [-1, 1] for 16, 32 and 64 px', () => {
    for (const size of [16, 32, 64] as const) {
      const generator = textToImageGenerator({ size, embeddingDim: 10, filters: 4, latentDim: 6 });
      const images = generator.predict([tf.randomNormal([2, 6]), tf.randomNormal([2, 10])]) as tf.Tensor;
      expect(images.shape).toEqual([2, size, size, 3]);
      expect(tf.max(tf.abs(images)).dataSync()[0]).toBeLessThanOrEqual(1);
      tf.dispose(images);
      generator.dispose();
    }
  });

  it('G compresses the embedding to 128 units with LeakyReLU(0.2), then concatenates z (100 by default)', () => {
    const generator = textToImageGenerator({ size: 32, embeddingDim: 3, filters: 4 });
    expect(generator.inputs.map((input) => input.shape)).toEqual([
      [null, 100],
      [null, 3],
    ]);
    expect(generator.getLayer('compress_embedding').outputShape).toEqual([null, 128]);
    expect(generator.getLayer('noise_and_text').outputShape).toEqual([null, 228]);
    // Hand check of the compression on one embedding: leaky(W t + b), slope 0.2 below zero.
    const [kernel, bias] = generator.getLayer('compress_embedding').getWeights() as [tf.Tensor2D, tf.Tensor1D];
    const t = [0.5, -1, 2];
    const w = kernel.arraySync();
    const b = bias.arraySync();
    const expected = b.map((bj, j) => {
      const z = bj + t.reduce((sum, ti, i) => sum + ti * w[i]![j]!, 0);
      return z > 0 ? z : 0.2 * z;
    });
    const probe = tf.model({
      inputs: generator.inputs[1]!,
      outputs: generator.getLayer('compress_embedding_lrelu').output as tf.SymbolicTensor,
    });
    const actual = Array.from((probe.predict(tf.tensor2d([t])) as tf.Tensor).dataSync());
    expected.forEach((value, j) => expect(actual[j]).toBeCloseTo(value, 5));
    generator.dispose();
  });

  it('D: conv stack to 4x4, the compressed embedding replicated over 4x4 and depth-concatenated, 1x1 conv, 4x4 conv to one logit', () => {
    const discriminator = textToImageDiscriminator({ size: 32, embeddingDim: 5, filters: 8 });
    expect(discriminator.getLayer('down3').outputShape).toEqual([null, 4, 4, 32]);
    expect(discriminator.getLayer('replicate_embedding').outputShape).toEqual([null, 4, 4, 128]);
    expect(discriminator.getLayer('image_and_text').outputShape).toEqual([null, 4, 4, 160]);
    expect((discriminator.getLayer('joint_1x1').getWeights()[0] as tf.Tensor).shape).toEqual([1, 1, 160, 32]);
    expect((discriminator.getLayer('logit_conv').getWeights()[0] as tf.Tensor).shape).toEqual([4, 4, 32, 1]);
    expect(discriminator.outputs[0]!.shape).toEqual([null, 1]);
    // Every one of the 16 positions holds the same compressed embedding.
    const probe = tf.model({
      inputs: discriminator.inputs,
      outputs: [
        discriminator.getLayer('compress_embedding_lrelu').output as tf.SymbolicTensor,
        discriminator.getLayer('replicate_embedding').output as tf.SymbolicTensor,
      ],
    });
    const [compressed, replicated] = probe.predict([
      tf.randomNormal([2, 32, 32, 3]),
      tf.randomNormal([2, 5]),
    ]) as tf.Tensor[];
    const c = compressed!.arraySync() as number[][];
    const r = replicated!.arraySync() as number[][][][];
    for (let b = 0; b < 2; b++)
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) expect(r[b]![y]![x]).toEqual(c[b]);
    tf.dispose([compressed!, replicated!]);
    discriminator.dispose();
  });

  it('builds the same weights for the same seed and rejects unsupported sizes', () => {
    const a = textToImageModels({ size: 16, embeddingDim: 4, filters: 2, seed: 5 });
    const b = textToImageModels({ size: 16, embeddingDim: 4, filters: 2, seed: 5 });
    expect(a.generator.getWeights().map((w) => w.arraySync())).toEqual(
      b.generator.getWeights().map((w) => w.arraySync()),
    );
    expect(a.discriminator.getWeights().map((w) => w.arraySync())).toEqual(
      b.discriminator.getWeights().map((w) => w.arraySync()),
    );
    [a, b].forEach(({ generator, discriminator }) => (generator.dispose(), discriminator.dispose()));
    expect(() => textToImageGenerator({ size: 48 as never, embeddingDim: 4 })).toThrow(
      /options.size: expected 16, 32 or 64, received 48/,
    );
    expect(() => textToImageDiscriminator({ size: 32, embeddingDim: 0 })).toThrow(
      /options.embeddingDim: expected an integer in \[1, 65536\], received 0/,
    );
  });
});
