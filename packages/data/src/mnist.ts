import * as tf from '@tensorflow/tfjs';

import { describedAs, InvalidArgumentError, TensorDataset } from '@ganforge/core';

import { parseIdx } from './idx-format.js';
import { pixelsToSymmetric } from './pixel-scaling.js';

/** One split of MNIST or Fashion-MNIST. */
export interface MnistSplit {
  /** Images [N, 28, 28, 1] in [-1, 1]. */
  readonly images: tf.Tensor4D;
  /** Class labels 0-9. */
  readonly labels: Int32Array;
}

/** Class names of Fashion-MNIST (Xiao et al. 2017), in label order. */
export const fashionMnistClasses = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/**
 * Decodes MNIST-format IDX bytes (images and labels) into tensors, keeping the first `limit` examples.
 *
 * @example
 * ```ts
 * const { images, labels } = mnistFromIdx(imageBytes, labelBytes, { limit: 10000 });
 * ```
 */
export function mnistFromIdx(
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  options: { limit?: number } = {},
): MnistSplit {
  const images = parseIdx(imageBytes, 'imageBytes');
  const labels = parseIdx(labelBytes, 'labelBytes');
  const [count, height, width] = images.shape;
  if (images.shape.length !== 3 || count === undefined || height === undefined || width === undefined) {
    throw new InvalidArgumentError(
      'imageBytes',
      'IDX images of shape [N, height, width]',
      describedAs(`shape [${images.shape.join(', ')}]`),
    );
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new InvalidArgumentError(
      'labelBytes',
      `IDX labels of shape [${count}]`,
      describedAs(`shape [${labels.shape.join(', ')}]`),
    );
  }
  const kept = Math.min(count, options.limit ?? count);
  const pixels = images.data.subarray(0, kept * height * width);
  return {
    images: tf.tidy(() => pixelsToSymmetric(tf.tensor4d(pixels, [kept, height, width, 1], 'int32'))) as tf.Tensor4D,
    labels: Int32Array.from(labels.data.subarray(0, kept)),
  };
}

/**
 * A training set from an MNIST split; with `conditional`, each batch also carries the one-hot
 * label as its condition (a class-conditional GAN).
 */
export function mnistDataset(split: MnistSplit, options: { conditional?: boolean } = {}): TensorDataset {
  if (!options.conditional) return new TensorDataset({ real: split.images });
  const condition = tf.tidy(() => tf.oneHot(tf.tensor1d(split.labels, 'int32'), 10).toFloat());
  const dataset = new TensorDataset({ real: split.images, condition });
  condition.dispose();
  return dataset;
}
