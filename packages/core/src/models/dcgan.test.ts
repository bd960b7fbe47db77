import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { DcganInitializers } from './dcgan-blocks.js';
import { dcgan, dcganGenerator } from './dcgan.js';

describe('dcgan', () => {
  it.each([28, 32, 64] as const)('builds matching %i x %i networks', (size) => {
    const { generator, discriminator } = dcgan({ size, channels: 3, latentDim: 16, filters: 4 });
    const images = generator.predict(tf.randomNormal([2, 16])) as tf.Tensor;
    expect(images.shape).toEqual([2, size, size, 3]);
    const values = images.dataSync();
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect((discriminator.predict(images) as tf.Tensor).shape).toEqual([2, 1]);
  });

  it('follows the DCGAN recipe: N(0, 0.02) weights, BN except at G output and D input, LeakyReLU 0.2', () => {
    const { generator, discriminator } = dcgan({ size: 64, filters: 8, seed: 3 });
    const kernel = generator.getLayer('up1').getWeights()[0]!;
    const { mean, variance } = tf.moments(kernel);
    expect(mean.dataSync()[0]).toBeCloseTo(0, 2);
    expect(Math.sqrt(variance.dataSync()[0]!)).toBeCloseTo(0.02, 2);
    const layerClasses = (model: tf.LayersModel) => model.layers.map((layer) => layer.getClassName());
    expect(layerClasses(generator).filter((name) => name === 'BatchNormalization')).toHaveLength(4);
    expect(layerClasses(discriminator).filter((name) => name === 'BatchNormalization')).toHaveLength(3);
    const leaky = discriminator.layers.find((layer) => layer.getClassName() === 'LeakyReLU')!;
    expect((leaky.getConfig() as { alpha: number }).alpha).toBeCloseTo(0.2);
  });

  it('takes a condition in both networks when conditionDim is set', () => {
    const { generator, discriminator } = dcgan({ size: 28, latentDim: 8, conditionDim: 10, filters: 4 });
    expect(generator.inputs.map((input) => input.shape)).toEqual([
      [null, 8],
      [null, 10],
    ]);
    const condition = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10).toFloat();
    const images = generator.predict([tf.randomNormal([2, 8]), condition]) as tf.Tensor;
    expect((discriminator.predict([images, condition]) as tf.Tensor).shape).toEqual([2, 1]);
  });

  it('is reproducible from its seed', () => {
    const a = dcganGenerator({ size: 28, latentDim: 4, filters: 4, seed: 9 }).getWeights()[0]!;
    const b = dcganGenerator({ size: 28, latentDim: 4, filters: 4, seed: 9 }).getWeights()[0]!;
    const c = dcganGenerator({ size: 28, latentDim: 4, filters: 4, seed: 10 }).getWeights()[0]!;
    expect(tf.max(tf.abs(a.sub(b))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(a.sub(c))).dataSync()[0]).toBeGreaterThan(0);
  });

  it('DcganInitializers draws the same weights twice from first seed 0 (tfjs alone reads 0 as no seed)', () => {
    const draw = () => tf.tidy(() => Array.from(new DcganInitializers(0).normal().apply([16], 'float32').dataSync()));
    expect(draw()).toEqual(draw());
  });

  it('rejects unsupported sizes with a named error', () => {
    expect(() => dcgan({ size: 48 as 64 })).toThrow(/options.size: expected 28, 32 or 64, received 48/);
    expect(() => dcgan({ size: 28, channels: 0 })).toThrow(/options.channels/);
  });
});
