import * as tf from '@tensorflow/tfjs';

import { assertInteger, describedAs, InvalidArgumentError, InvalidFileError, TensorDataset } from '@ganforge/core';

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

/** Options of {@link mnistFromIdx}. */
export interface MnistFromIdxOptions {
  /** Keep only the first `limit` examples. */
  readonly limit?: number;
  /** The file the image bytes came from: errors about them are then InvalidFileErrors naming it. */
  readonly imageFile?: string;
  /** The file the label bytes came from: errors about them are then InvalidFileErrors naming it. */
  readonly labelFile?: string;
}

/**
 * Decodes MNIST-format IDX bytes (images and labels) into tensors, keeping the first `limit` examples.
 * Both headers are checked against their byte counts ({@link parseIdx}) before the tensor is made.
 *
 * @throws InvalidArgumentError naming `imageBytes` / `labelBytes` (or InvalidFileError naming
 *   `options.imageFile` / `options.labelFile`) when they are not IDX, are truncated, or do not match.
 * @example
 * ```ts
 * const { images, labels } = mnistFromIdx(imageBytes, labelBytes, { limit: 10000 });
 * ```
 */
export function mnistFromIdx(
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  options: MnistFromIdxOptions = {},
): MnistSplit {
  if (options.limit !== undefined) assertInteger(options.limit, 0, Number.MAX_SAFE_INTEGER, 'options.limit');
  const images = parseIdx(imageBytes, 'imageBytes', options.imageFile);
  const labels = parseIdx(labelBytes, 'labelBytes', options.labelFile);
  const refuse = (argument: string, file: string | undefined, expected: string, received: string): never => {
    if (file !== undefined) throw new InvalidFileError(file, expected, received);
    throw new InvalidArgumentError(argument, expected, describedAs(received));
  };
  const [count, height, width] = images.shape;
  if (images.shape.length !== 3 || count === undefined || height === undefined || width === undefined) {
    return refuse(
      'imageBytes',
      options.imageFile,
      'IDX images of shape [N, height, width]',
      `shape [${images.shape.join(', ')}]`,
    );
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== count) {
    refuse('labelBytes', options.labelFile, `IDX labels of shape [${count}]`, `shape [${labels.shape.join(', ')}]`);
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
