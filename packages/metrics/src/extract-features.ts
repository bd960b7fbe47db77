import * as tf from '@tensorflow/tfjs';

import { assertInteger, assertIsTensor, describedAs, InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

export interface ExtractFeaturesOptions {
  /** The layer whose output is the feature vector (rank 2). Default: the model's output. */
  readonly layer?: string;
  /** Images per forward pass. Default 100. */
  readonly batchSize?: number;
  /** Called after each batch with the images done so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops between batches with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `images` through `model` in batches and returns the output of one of its layers,
 * [count, dimension]: the features for {@link frechetDistance} and {@link kernelInceptionDistance},
 * or class probabilities for {@link inceptionScore}. Any `tf.LayersModel` works (an Inception-v3
 * converted to tfjs for the published FID; `loadMnistClassifier()` for MNIST).
 *
 * @example
 * ```ts
 * const features = await extractFeatures(classifier, images, { layer: 'features', batchSize: 200 });
 * ```
 */
export async function extractFeatures(
  model: tf.LayersModel,
  images: tf.Tensor,
  options: ExtractFeaturesOptions = {},
): Promise<tf.Tensor2D> {
  if (!(model instanceof tf.LayersModel)) {
    throw new InvalidArgumentError('model', 'a tf.LayersModel', model);
  }
  assertIsTensor(images, 'images');
  const batchSize = options.batchSize ?? 100;
  assertInteger(batchSize, 1, Number.MAX_SAFE_INTEGER, 'options.batchSize');
  let extractor: tf.LayersModel = model;
  if (options.layer !== undefined) {
    const names = model.layers.map((layer) => layer.name);
    if (!names.includes(options.layer)) {
      throw new InvalidArgumentError('options.layer', `one of the model's layers (${names.join(', ')})`, options.layer);
    }
    // A view of the same weights that stops at the chosen layer.
    extractor = tf.model({ inputs: model.inputs, outputs: model.getLayer(options.layer).output as tf.SymbolicTensor });
  }
  const outputShape = extractor.outputs[0]!.shape;
  if (extractor.outputs.length !== 1 || outputShape.length !== 2) {
    throw new InvalidArgumentError(
      'options.layer',
      'a layer with one output of shape [batch, dimension] (a dense or pooling layer)',
      describedAs(
        `${options.layer ?? 'the model output'} with output shape [${outputShape.map((size) => size ?? 'batch').join(', ')}]`,
      ),
    );
  }
  const inputShape = model.inputs[0]!.shape;
  const matches =
    model.inputs.length === 1 &&
    images.rank === inputShape.length &&
    inputShape.every((size, axis) => axis === 0 || size === null || size === images.shape[axis]);
  if (!matches || images.shape[0] === 0) {
    throw new ShapeMismatchError(
      'images',
      `[count >= 1, ${inputShape.slice(1).join(', ')}] (the model's input)`,
      images.shape,
    );
  }
  const count = images.shape[0]!;
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < count; start += batchSize) {
      options.signal?.throwIfAborted();
      const size = Math.min(batchSize, count - start);
      parts.push(
        tf.tidy(() => {
          const batch = images.slice(start, size);
          return extractor.predict(batch) as tf.Tensor;
        }),
      );
      // Waiting for the batch keeps the progress honest and lets the event loop breathe.
      await parts.at(-1)!.data();
      options.onProgress?.(start + size, count);
    }
    return (parts.length === 1 ? parts[0]!.clone() : tf.concat(parts)) as tf.Tensor2D;
  } finally {
    tf.dispose(parts);
  }
}
