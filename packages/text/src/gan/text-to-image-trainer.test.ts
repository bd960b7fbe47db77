import { useBackend } from '@ganforge/backend-node';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { CaptionedImageDataset } from '../data/captioned-image-dataset.js';
import { createTextToImageTrainer, textToImageVariants, variantSwitches } from './text-to-image-trainer.js';

describe('text-to-image trainer configurations (WASM backend)', () => {
  beforeAll(async () => {
    await useBackend({ backend: 'wasm', log: false });
  });

  it('GAN, GAN-CLS, GAN-INT and GAN-INT-CLS are the two switches of one model on the core trainer', () => {
    expect(textToImageVariants.map((variant) => variantSwitches(variant))).toEqual([
      { matchingAware: false, interpolation: false },
      { matchingAware: true, interpolation: false },
      { matchingAware: false, interpolation: true },
      { matchingAware: true, interpolation: true },
    ]);
    expect(() => variantSwitches('gan-xl' as never)).toThrow(
      /variant: expected 'gan', 'gan-cls', 'gan-int', 'gan-int-cls', received "gan-xl"/,
    );
  });

  it('each configuration trains with a flat tensor count and the hooks it asks for', async () => {
    const images = tf.randomUniform([16, 16, 16, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const embeddings = tf.randomNormal([32, 6], 0, 1, 'float32', 2) as tf.Tensor2D;
    const data = new CaptionedImageDataset({
      images,
      embeddings,
      imageOfCaption: Array.from({ length: 32 }, (_, caption) => caption % 16),
      classes: Array.from({ length: 16 }, (_, image) => image % 4),
    });
    for (const variant of textToImageVariants) {
      const trainer = createTextToImageTrainer(
        variant,
        { size: 16, embeddingDim: 6, filters: 2, latentDim: 4 },
        { seed: 1 },
      );
      const counts: number[] = [];
      const terms: string[][] = [];
      await trainer.fit(data, {
        batchSize: 4,
        steps: 6,
        onStep: (event) => {
          counts.push(tf.memory().numTensors);
          terms.push(Object.keys(event.terms));
        },
      });
      expect(new Set(counts.slice(1)).size).toBe(1);
      const { config } = await trainer.checkpoint();
      const switches = variantSwitches(variant);
      expect(config['generatorInputs']).toEqual(['noise', 'condition']);
      expect(config['discriminatorInputs']).toEqual(['image', 'condition']);
      expect(config['discriminatorObjective']).toBe(switches.matchingAware ? 'matching-aware' : 'standard');
      expect(config['generatorTerms']).toEqual(switches.interpolation ? [{ name: 'interpolation', weight: 1 }] : []);
      expect(terms[0]!.includes('interpolation')).toBe(switches.interpolation);
      // Reed et al. 2016, sec. 5: Adam, learning rate 0.0002, beta1 0.5.
      expect(config['optimizers']).toMatchObject({ generator: { type: 'adam', learningRate: 2e-4, beta1: 0.5 } });
      trainer.generator.dispose();
      trainer.discriminator.dispose();
    }
    data.dispose();
    tf.dispose([images, embeddings]);
  });
});
