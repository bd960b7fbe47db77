import * as tf from '@tensorflow/tfjs';

import {
  assertInteger,
  dcganBatchNorm,
  dcganDownsampling,
  DcganInitializers,
  dcganLeakySlope,
  dcganUpsampling,
  InvalidArgumentError,
} from '@ganforge/core';

export interface TextToImageModelOptions {
  /** Image side: 16, 32 or 64 (Reed et al. 2016 use 64). */
  readonly size: 16 | 32 | 64;
  /** Image channels. Default 3. */
  readonly channels?: number;
  /** Size of the caption embedding fed to both networks (the text encoder's `dim`). */
  readonly embeddingDim: number;
  /** Size of the compressed embedding in G and D. Default 128 (Reed et al. 2016, sec. 4). */
  readonly compressedDim?: number;
  /** Noise size. Default 100 (Reed et al. 2016, sec. 4). */
  readonly latentDim?: number;
  /** Filters of the widest-resolution layer; each halving of the resolution doubles them. Default 64. */
  readonly filters?: number;
  /** Seed of the weight initialisers. Default 0. */
  readonly seed?: number;
}

export interface TextToImageModels {
  /** Inputs: noise [B, latentDim], embedding [B, embeddingDim]; output: images [B, size, size, channels] in [-1, 1]. */
  readonly generator: tf.LayersModel;
  /** Inputs: images, embedding; output: one logit per image [B, 1]. */
  readonly discriminator: tf.LayersModel;
}

// DCGAN initialisation, BN settings and LeakyReLU (Radford et al. 2016, sec. 4), which Reed et al. 2016 build on.
/** The first initialiser seed of a network with seed `seed`; the discriminator uses `seed + 1`. */
const firstSeed = (seed: number) => seed * 1000 + 7;

function validate(options: TextToImageModelOptions) {
  if (options?.size !== 16 && options?.size !== 32 && options?.size !== 64) {
    throw new InvalidArgumentError('options.size', '16, 32 or 64', options?.size);
  }
  const o = {
    size: options.size,
    channels: options.channels ?? 3,
    embeddingDim: options.embeddingDim,
    compressedDim: options.compressedDim ?? 128,
    latentDim: options.latentDim ?? 100,
    filters: options.filters ?? 64,
    seed: options.seed ?? 0,
    // From 4x4 up to the image side, one stride-2 stage per doubling.
    stages: Math.log2(options.size / 4),
  };
  assertInteger(o.channels, 1, 4, 'options.channels');
  assertInteger(o.embeddingDim, 1, 1 << 16, 'options.embeddingDim');
  assertInteger(o.compressedDim, 1, 1 << 16, 'options.compressedDim');
  assertInteger(o.latentDim, 1, 1 << 16, 'options.latentDim');
  assertInteger(o.filters, 1, 1024, 'options.filters');
  assertInteger(o.seed, 0, 2 ** 21, 'options.seed');
  return o;
}

function compress(
  init: DcganInitializers,
  embedding: tf.SymbolicTensor,
  units: number,
  name: string,
): tf.SymbolicTensor {
  const dense = tf.layers.dense({ units, kernelInitializer: init.normal(), name }).apply(embedding);
  return tf.layers.leakyReLU({ alpha: dcganLeakySlope, name: `${name}_lrelu` }).apply(dense) as tf.SymbolicTensor;
}

/**
 * The text-conditional generator of Reed et al. 2016 (sec. 4): the caption embedding is compressed by
 * a fully connected layer to 128 units with LeakyReLU, concatenated with z, and decoded by a DCGAN
 * generator (project to 4x4, stride-2 transposed convolutions with BN and ReLU, tanh output).
 *
 * @example
 * ```ts
 * const generator = textToImageGenerator({ size: 32, embeddingDim: 256, filters: 32 });
 * const images = generator.predict([tf.randomNormal([4, 100]), embeddings]) as tf.Tensor4D; // [4, 32, 32, 3]
 * ```
 */
export function textToImageGenerator(options: TextToImageModelOptions): tf.LayersModel {
  const o = validate(options);
  const init = new DcganInitializers(firstSeed(o.seed));
  const noise = tf.input({ shape: [o.latentDim], name: 'noise' });
  const embedding = tf.input({ shape: [o.embeddingDim], name: 'embedding' });
  const text = compress(init, embedding, o.compressedDim, 'compress_embedding');
  const x = tf.layers.concatenate({ name: 'noise_and_text' }).apply([noise, text]) as tf.SymbolicTensor;
  const images = dcganUpsampling(x, { ...o, start: 4 }, init);
  return tf.model({ inputs: [noise, embedding], outputs: images, name: 'text_to_image_generator' });
}

/**
 * The matching-aware discriminator of Reed et al. 2016 (sec. 4): stride-2 convolutions with BN and
 * LeakyReLU down to 4x4; the caption embedding, compressed to 128 units with LeakyReLU, replicated
 * over the 4x4 grid and concatenated in depth; a 1x1 convolution with BN and LeakyReLU; and a final
 * 4x4 convolution to one logit.
 *
 * @example
 * ```ts
 * const discriminator = textToImageDiscriminator({ size: 32, embeddingDim: 256, filters: 32 });
 * const logits = discriminator.predict([images, embeddings]) as tf.Tensor2D; // [B, 1]
 * ```
 */
export function textToImageDiscriminator(options: TextToImageModelOptions): tf.LayersModel {
  const o = validate(options);
  const init = new DcganInitializers(firstSeed(o.seed + 1));
  const image = tf.input({ shape: [o.size, o.size, o.channels], name: 'image' });
  const embedding = tf.input({ shape: [o.embeddingDim], name: 'embedding' });
  // DCGAN's conv stack down to 4x4 (no BN on the first layer).
  let x = dcganDownsampling(image, o, init);
  const text = compress(init, embedding, o.compressedDim, 'compress_embedding');
  // Replicate the compressed embedding over the 4x4 grid: [B, 128] -> [B, 4, 4, 128].
  const replicated = tf.layers
    .reshape({ targetShape: [4, 4, o.compressedDim], name: 'replicate_embedding' })
    .apply(tf.layers.repeatVector({ n: 16, name: 'repeat_embedding' }).apply(text)) as tf.SymbolicTensor;
  x = tf.layers.concatenate({ name: 'image_and_text' }).apply([x, replicated]) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({
      filters: o.filters * 2 ** (o.stages - 1),
      kernelSize: 1,
      useBias: false,
      kernelInitializer: init.normal(),
      name: 'joint_1x1',
    })
    .apply(x) as tf.SymbolicTensor;
  x = dcganBatchNorm(init, 'joint_1x1_bn').apply(x) as tf.SymbolicTensor;
  x = tf.layers.leakyReLU({ alpha: dcganLeakySlope }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({ filters: 1, kernelSize: 4, padding: 'valid', kernelInitializer: init.normal(), name: 'logit_conv' })
    .apply(x) as tf.SymbolicTensor;
  const logit = tf.layers.flatten({ name: 'logit' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [image, embedding], outputs: logit, name: 'text_to_image_discriminator' });
}

/** Both networks for one configuration; see {@link textToImageGenerator} and {@link textToImageDiscriminator}. */
export function textToImageModels(options: TextToImageModelOptions): TextToImageModels {
  return { generator: textToImageGenerator(options), discriminator: textToImageDiscriminator(options) };
}
