import { fileURLToPath } from 'node:url';

import { InvalidArgumentError } from '@ganforge/core';
import { loadTfjsModelFolder } from '@ganforge/core/node';
import type * as tf from '@tensorflow/tfjs';

export interface LoadMnistClassifierOptions {
  /** Which classifier: trained on MNIST (default) or on Fashion-MNIST. */
  readonly variant?: 'mnist' | 'fashion-mnist';
}

const variants = ['mnist', 'fashion-mnist'] as const;

/** The folder that holds a committed classifier's `model.json` and `weights.bin` (to serve it to a browser). */
export function mnistClassifierFolder(variant: 'mnist' | 'fashion-mnist' = 'mnist'): string {
  if (!variants.includes(variant)) throw new InvalidArgumentError('variant', "'mnist' or 'fashion-mnist'", variant);
  // src/ and dist/ are both one level below the package root, where classifiers/ lives.
  return fileURLToPath(new URL(`../classifiers/${variant}/`, import.meta.url));
}

/**
 * Loads the small classifier shipped with this package (trained by
 * `packages/metrics/scripts/train-classifiers.ts`; test accuracy in its `model.json`), for
 * "FID-MNIST", KID and Inception Score on MNIST-like images: input [n, 28, 28, 1] in [-1, 1],
 * layers `features` (64 units) and `probabilities` (10 classes), see `mnistClassifierLayers`.
 * Works offline; in a browser, serve the files of {@link mnistClassifierFolder} and use
 * `tf.loadLayersModel(url)`.
 *
 * @example
 * ```ts
 * import { extractFeatures, mnistClassifierLayers } from '@ganforge/metrics';
 * import { loadMnistClassifier } from '@ganforge/metrics/node';
 *
 * const classifier = await loadMnistClassifier({ variant: 'mnist' });
 * const features = await extractFeatures(classifier, images, { layer: mnistClassifierLayers.features });
 * ```
 */
export async function loadMnistClassifier(options: LoadMnistClassifierOptions = {}): Promise<tf.LayersModel> {
  const folder = mnistClassifierFolder(options.variant ?? 'mnist');
  // The same checked loader as for strangers' models (schema, regular files, shards inside the folder,
  // sizes, weights matching the topology): a damaged install fails with a typed error instead of loading.
  return loadTfjsModelFolder(`${folder}model.json`);
}
