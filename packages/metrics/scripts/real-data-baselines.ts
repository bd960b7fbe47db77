/**
 * The figures of real data under the protocols `ganforge eval` uses, as yardsticks for generated
 * samples: 10,000 training images (train[0:10000]) in place of generated samples, against the
 * 10,000 test images. Parzen: sigma chosen on train[50000:51000], pixels in [0, 1]. FID, KID and
 * Inception Score: the committed classifier of the variant.
 *
 *   npx tsx packages/metrics/scripts/real-data-baselines.ts [mnist|fashion-mnist]
 */
import { useBackend } from '@ganforge/backend-node';
import { loadMnist, type MnistVariant } from '@ganforge/data/node';
import * as tf from '@tensorflow/tfjs';

import { extractFeatures } from '../src/extract-features.js';
import { frechetDistance } from '../src/frechet-distance.js';
import { inceptionScore } from '../src/inception-score.js';
import { kernelInceptionDistance } from '../src/kernel-inception-distance.js';
import { loadMnistClassifier } from '../src/load-mnist-classifier.js';
import { mnistClassifierLayers } from '../src/mnist-classifier-layers.js';
import { parzenLogLikelihood } from '../src/parzen-log-likelihood.js';

const variant = (process.argv[2] ?? 'mnist') as MnistVariant;
await useBackend();
const started = Date.now();
const train = loadMnist({ variant, split: 'train', limit: 51000 });
const test = loadMnist({ variant, split: 'test' });
const samples = train.images.slice(0, 10000);

const toUnit = (images: tf.Tensor) => tf.tidy(() => images.add(1).div(2));
const [unitSamples, validation, unitTest] = [
  toUnit(samples),
  toUnit(train.images.slice(50000, 1000)),
  toUnit(test.images),
];
const parzen = await parzenLogLikelihood(unitSamples, unitTest, { validation });

const classifier = await loadMnistClassifier({ variant });
const features = (images: tf.Tensor) => extractFeatures(classifier, images, { layer: mnistClassifierLayers.features });
const [sampleFeatures, testFeatures] = [await features(samples), await features(test.images)];
const fid = await frechetDistance(testFeatures, sampleFeatures);
const kid = await kernelInceptionDistance(testFeatures, sampleFeatures);
const probabilities = await extractFeatures(classifier, samples, { layer: mnistClassifierLayers.probabilities });
const is = await inceptionScore(probabilities, { splits: 10 });

console.log(
  JSON.stringify({
    variant,
    samples: 'train[0:10000]',
    parzen: { mean: parzen.mean, stdErr: parzen.stdErr, sigma: parzen.sigma },
    fid: fid.distance,
    kid: { mean: kid.mean, std: kid.std },
    inceptionScore: { mean: is.mean, std: is.std },
    seconds: Math.round((Date.now() - started) / 1000),
  }),
);
