import * as tf from '@tensorflow/tfjs';

import { assertInteger } from '@ganforge/core';

export interface ImageEncoderOptions {
  /** Image side (a multiple of 8, at least 8). */
  readonly size: number;
  /** Image channels. Default 3. */
  readonly channels?: number;
  /** Embedding size (the text encoder's `dim`). */
  readonly dim: number;
  /** Filters of the first convolution; each of the three stride-2 convolutions doubles them. Default 32. */
  readonly filters?: number;
  /** Seed of the weight initialisers. Default 0. */
  readonly seed?: number;
}

/**
 * A small image encoder theta(v) for joint-embedding training: three stride-2 4x4 convolutions with
 * LeakyReLU(0.2), then a linear map of the flattened features to `dim`. (Reed et al. 2016 use fixed
 * GoogLeNet features; a small trainable CNN suits small images and CPU budgets.)
 *
 * @example
 * ```ts
 * const imageEncoder = smallImageEncoder({ size: 32, dim: 128 });
 * const features = imageEncoder.predict(images) as tf.Tensor2D; // [B, 128]
 * ```
 */
export function smallImageEncoder(options: ImageEncoderOptions): tf.LayersModel {
  const channels = options.channels ?? 3;
  const filters = options.filters ?? 32;
  const seed = options.seed ?? 0;
  assertInteger(options?.size, 8, 4096, 'options.size');
  assertInteger(channels, 1, 4, 'options.channels');
  assertInteger(options.dim, 1, 1 << 16, 'options.dim');
  assertInteger(filters, 1, 1024, 'options.filters');
  assertInteger(seed, 0, 2 ** 21, 'options.seed');
  const image = tf.input({ shape: [options.size, options.size, channels], name: 'image' });
  let x: tf.SymbolicTensor = image;
  // Seeds start at 1: tfjs treats an initializer seed of 0 as no seed (`seed ? seed : Math.random()`).
  for (let stage = 0; stage < 3; stage++) {
    x = tf.layers
      .conv2d({
        filters: filters * 2 ** stage,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        kernelInitializer: tf.initializers.heNormal({ seed: seed * 1000 + stage + 1 }),
        name: `image_conv${stage + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const embedding = tf.layers
    .dense({
      units: options.dim,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 1000 + 11 }),
      name: 'image_embedding',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: embedding, name: 'small_image_encoder' });
}
