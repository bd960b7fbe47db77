import { ShapeMismatchError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { imagenetCaffePreprocess, layerFeatureExtractor } from '../vgg/feature-extractor.js';
import { pixelMseTerm, totalVariationTerm, vggContentTerm } from './content-terms.js';
import { pixelMseLoss, totalVariationLoss } from './pixel-losses.js';
import { vggContentLoss } from './vgg-content-loss.js';

/** A "feature network" with known weights: one 1x1 convolution summing the three channels into one map. */
function sumOfChannels(): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 3] });
  const conv = tf.layers.conv2d({
    filters: 1,
    kernelSize: 1,
    useBias: false,
    kernelInitializer: 'ones',
    name: 'features',
  });
  return tf.model({ inputs: input, outputs: conv.apply(input) as tf.SymbolicTensor });
}

describe('pixel losses', () => {
  it('pixelMseLoss is the mean squared difference (hand computed)', () => {
    const a = tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1]);
    const b = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
    expect(pixelMseLoss(a, b).dataSync()[0]).toBeCloseTo((1 + 0 + 4 + 9) / 4, 6);
    expect(() => pixelMseLoss(a, tf.zeros([1, 2, 1, 1]))).toThrow(ShapeMismatchError);
    expect(() => pixelMseLoss(a, tf.zeros([1, 2, 1, 1]))).toThrow(
      /generated: expected shape \[1, 2, 1, 1\].*received \[1, 2, 2, 1\]/,
    );
    tf.dispose([a, b]);
  });

  it('totalVariationLoss is the mean squared vertical plus horizontal neighbour difference (hand computed)', () => {
    // [[0, 1], [3, 5]]: vertical differences 3, 4 -> mean 12.5; horizontal 1, 2 -> mean 2.5.
    const image = tf.tensor4d([0, 1, 3, 5], [1, 2, 2, 1]);
    expect(totalVariationLoss(image).dataSync()[0]).toBeCloseTo(15, 6);
    const constant = tf.fill([2, 4, 4, 3], 0.3) as tf.Tensor4D;
    expect(totalVariationLoss(constant).dataSync()[0]).toBe(0);
    expect(() => totalVariationLoss(tf.zeros([1, 1, 4, 3]) as tf.Tensor4D)).toThrow(/height >= 2/);
    tf.dispose([image, constant]);
  });
});

describe('vggContentLoss', () => {
  it('is the mean squared difference of features rescaled by 1/12.75 (SRGAN sec. 3.2)', () => {
    const extractor = layerFeatureExtractor({ model: sumOfChannels(), layer: 'features', preprocess: 'none' });
    const generated = tf.tensor4d([1, 2, 3, 0, 0, 0], [1, 1, 2, 3]); // features 6, 0
    const target = tf.tensor4d([0, 0, 0, 1, 1, 1], [1, 1, 2, 3]); // features 0, 3
    const expected = ((6 / 12.75) ** 2 + (3 / 12.75) ** 2) / 2;
    expect(vggContentLoss(extractor)(generated, target).dataSync()[0]).toBeCloseTo(expected, 6);
    expect(vggContentLoss(extractor, { featureScale: 1 })(generated, target).dataSync()[0]).toBeCloseTo(22.5, 5);
    tf.dispose([generated, target]);
    extractor.dispose();
  });

  it('applies ImageNet caffe preprocessing: [-1, 1] to 0-255, RGB to BGR, minus the BGR means', () => {
    const extractor = layerFeatureExtractor({ model: sumOfChannels(), layer: 'features' });
    // Pixel (R, G, B) = (-1, 0, 1) -> (0, 127.5, 255) -> BGR (255, 127.5, 0) - (103.939, 116.779, 123.68).
    const features = extractor.extract(tf.tensor4d([-1, 0, 1], [1, 1, 1, 3]));
    expect(features.dataSync()[0]).toBeCloseTo(255 - 103.939 + 127.5 - 116.779 - 123.68, 3);
    features.dispose();
    extractor.dispose();
  });

  it('passes gradients to the generated image only, and the terms read fake and batch.real', () => {
    const extractor = layerFeatureExtractor({ model: sumOfChannels(), layer: 'features', preprocess: 'none' });
    const target = tf.ones([1, 2, 2, 3]);
    const gradient = tf.grad((x: tf.Tensor) => vggContentLoss(extractor, { featureScale: 1 })(x, target))(
      tf.zeros([1, 2, 2, 3]),
    );
    // d/dx mean((sum_c x - 3)^2) over 4 pixels = 2 (0 - 3) / 4 per channel.
    expect(Array.from(gradient.dataSync())).toEqual(new Array(12).fill(-1.5));
    const fake = tf.zeros([1, 2, 2, 3]);
    const context = { fake, batch: { real: target } } as never;
    expect(vggContentTerm(extractor).name).toBe('content_features');
    expect(vggContentTerm(extractor, { featureScale: 1 }).compute(context).dataSync()[0]).toBeCloseTo(9, 5);
    expect(pixelMseTerm().compute(context).dataSync()[0]).toBe(1);
    expect(totalVariationTerm(2e-8).compute(context).dataSync()[0]).toBe(0);
    tf.dispose([target, gradient, fake]);
    extractor.dispose();
  });

  it('refuses images without 3 channels, naming images and the channels', () => {
    const extractor = layerFeatureExtractor({ model: sumOfChannels(), layer: 'features' });
    for (const channels of [4, 2, 1]) {
      expect(() => extractor.extract(tf.zeros([1, 2, 2, channels]) as tf.Tensor4D)).toThrow(
        new RegExp(
          `^images: expected shape \\[batch, height, width, 3\\] \\(RGB\\), received \\[1, 2, 2, ${channels}\\]`,
        ),
      );
      expect(() => imagenetCaffePreprocess(tf.zeros([1, 2, 2, channels]) as tf.Tensor4D)).toThrow(
        /^images: expected shape/,
      );
    }
    extractor.dispose();
  });

  it('names a layer that the model does not have', () => {
    const model = sumOfChannels();
    expect(() => layerFeatureExtractor({ model, layer: 'block5_conv4' })).toThrow(
      /options\.layer: expected the name of a layer of model .* received "block5_conv4"/,
    );
    model.dispose();
  });
});
