import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '@ganforge/core';

import { assertImageChannels } from '../image-channels.js';

/** Maps images in [-1, 1] to what a feature model expects. */
export type FeaturePreprocessing = 'imagenet-caffe' | 'none' | ((images: tf.Tensor4D) => tf.Tensor4D);

/** A frozen network that maps images in [-1, 1] to the feature maps of one layer. */
export interface FeatureExtractor {
  /** The layer whose activations are returned. */
  readonly layer: string;
  /** The model from the input to that layer (not trainable). */
  readonly model: tf.LayersModel;
  /** Features of [batch, height, width, 3] images in [-1, 1]; differentiable with respect to `images`. */
  extract(images: tf.Tensor4D): tf.Tensor;
  dispose(): void;
}

// ImageNet channel means in BGR order, the 'caffe' preprocessing of Keras' VGG16/VGG19.
const imagenetMeanBgr = [103.939, 116.779, 123.68];

/**
 * Keras' `vgg19.preprocess_input` for images in [-1, 1]: to 0-255, RGB to BGR, minus the ImageNet
 * channel means (the 'caffe' mode the original VGG weights were trained with).
 */
export function imagenetCaffePreprocess(images: tf.Tensor4D): tf.Tensor4D {
  assertImageChannels(images, 'images', { channels: 3, ranks: [4] });
  return tf.tidy(() => images.add(1).mul(127.5).reverse(3).sub(imagenetMeanBgr) as tf.Tensor4D);
}

/**
 * A {@link FeatureExtractor} from any `tf.LayersModel` and one of its layer names: plug in the
 * feature network you have (a VGG19 loaded elsewhere, a smaller VGG, another classifier).
 *
 * @example
 * ```ts
 * const vgg = await tf.loadLayersModel('https://example.com/vgg19/model.json');
 * const extractor = layerFeatureExtractor({ model: vgg, layer: 'block5_conv4' }); // ImageNet 'caffe' preprocessing
 * ```
 */
export function layerFeatureExtractor(options: {
  model: tf.LayersModel;
  layer: string;
  preprocess?: FeaturePreprocessing;
}): FeatureExtractor {
  const { model, layer } = options ?? {};
  if (typeof model?.getLayer !== 'function') {
    throw new InvalidArgumentError('options.model', 'a tf.LayersModel', model);
  }
  const names = model.layers.map((candidate) => candidate.name);
  if (typeof layer !== 'string' || !names.includes(layer)) {
    throw new InvalidArgumentError(
      'options.layer',
      `the name of a layer of model '${model.name}' (${names.slice(0, 4).join(', ')}${names.length > 4 ? ', ...' : ''})`,
      layer,
    );
  }
  const preprocess = options.preprocess ?? 'imagenet-caffe';
  if (preprocess !== 'imagenet-caffe' && preprocess !== 'none' && typeof preprocess !== 'function') {
    throw new InvalidArgumentError('options.preprocess', "'imagenet-caffe', 'none' or a function", preprocess);
  }
  const modelChannels = model.inputs[0]?.shape.at(-1);
  const inputChannels = preprocess === 'imagenet-caffe' || typeof modelChannels !== 'number' ? 3 : modelChannels;
  const output = model.getLayer(layer).output as tf.SymbolicTensor;
  const truncated = output === model.outputs[0] ? model : tf.model({ inputs: model.inputs, outputs: output });
  truncated.trainable = false;
  const prepare =
    preprocess === 'imagenet-caffe'
      ? imagenetCaffePreprocess
      : preprocess === 'none'
        ? (images: tf.Tensor4D) => images
        : preprocess;
  return {
    layer,
    model: truncated,
    extract(images) {
      // Pass [batch, height, width, 3] images in [-1, 1] (the channels the feature network reads).
      assertImageChannels(images, 'images', { channels: inputChannels, ranks: [4] });
      return tf.tidy(() => truncated.apply(prepare(images), { training: false }) as tf.Tensor);
    },
    dispose() {
      model.dispose();
    },
  };
}
