import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors.js';
import { assertInteger } from '../tensor-checks.js';
import { DcganInitializers, dcganDownsampling, dcganUpsampling } from './dcgan-blocks.js';

export type DcganSize = 28 | 32 | 64;

export interface DcganOptions {
  /** Image side: 28 (MNIST), 32 (CIFAR) or 64. */
  size: DcganSize;
  /** Image channels, 1 (grey) or 3 (RGB). Default 1. */
  channels?: number;
  /** Noise size. Default 100 (Radford et al. 2016). */
  latentDim?: number;
  /** Size of a condition vector (one-hot class, text embedding) fed to G and D; omit for an unconditional GAN. */
  conditionDim?: number;
  /** Filters of the widest-resolution layer; deeper layers double it. Default 64. */
  filters?: number;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

export interface DcganModels {
  /** Inputs: noise [B, latentDim] (and condition [B, conditionDim]); output: images [B, size, size, channels] in [-1, 1]. */
  readonly generator: tf.LayersModel;
  /** Inputs: images (and condition); output: one logit per image [B, 1]. */
  readonly discriminator: tf.LayersModel;
}

interface Geometry {
  readonly start: number;
  readonly stages: number;
}

function geometryOf(size: unknown): Geometry {
  switch (size) {
    case 28:
      return { start: 7, stages: 2 };
    case 32:
      return { start: 4, stages: 3 };
    case 64:
      return { start: 4, stages: 4 };
    default:
      throw new InvalidArgumentError('options.size', '28, 32 or 64', size);
  }
}

function validate(options: DcganOptions) {
  const geometry = geometryOf(options.size);
  const channels = options.channels ?? 1;
  const latentDim = options.latentDim ?? 100;
  const filters = options.filters ?? 64;
  assertInteger(channels, 1, 4, 'options.channels');
  assertInteger(latentDim, 1, 4096, 'options.latentDim');
  assertInteger(filters, 1, 1024, 'options.filters');
  if (options.conditionDim !== undefined) assertInteger(options.conditionDim, 1, 1 << 16, 'options.conditionDim');
  return {
    ...geometry,
    size: options.size,
    channels,
    latentDim,
    filters,
    conditionDim: options.conditionDim,
    seed: options.seed ?? 0,
  };
}

/**
 * DCGAN generator (Radford et al. 2016, fig. 1): project and reshape, then stride-2 transposed
 * convolutions with BN and ReLU, tanh output.
 *
 * @example
 * ```ts
 * const generator = dcganGenerator({ size: 28, latentDim: 100 });
 * const images = generator.predict(tf.randomNormal([16, 100])) as tf.Tensor4D; // [16, 28, 28, 1]
 * ```
 */
export function dcganGenerator(options: DcganOptions): tf.LayersModel {
  const o = validate(options);
  const init = new DcganInitializers(o.seed * 1000 + 1);
  const noise = tf.input({ shape: [o.latentDim], name: 'noise' });
  const condition = o.conditionDim ? tf.input({ shape: [o.conditionDim], name: 'condition' }) : undefined;
  const x: tf.SymbolicTensor = condition
    ? (tf.layers.concatenate({ name: 'noise_and_condition' }).apply([noise, condition]) as tf.SymbolicTensor)
    : noise;
  const images = dcganUpsampling(x, o, init);
  return tf.model({ inputs: condition ? [noise, condition] : [noise], outputs: images, name: 'dcgan_generator' });
}

/**
 * DCGAN discriminator (Radford et al. 2016): stride-2 convolutions with LeakyReLU(0.2), BN on all
 * but the first, then one linear logit. A condition is projected to an extra input channel.
 *
 * @example
 * ```ts
 * const discriminator = dcganDiscriminator({ size: 28 });
 * const logits = discriminator.predict(tf.zeros([4, 28, 28, 1])) as tf.Tensor2D; // [4, 1]
 * ```
 */
export function dcganDiscriminator(options: DcganOptions): tf.LayersModel {
  const o = validate(options);
  const init = new DcganInitializers(o.seed * 1000 + 500);
  const image = tf.input({ shape: [o.size, o.size, o.channels], name: 'image' });
  const condition = o.conditionDim ? tf.input({ shape: [o.conditionDim], name: 'condition' }) : undefined;
  let x: tf.SymbolicTensor = image;
  if (condition) {
    let plane = tf.layers
      .dense({ units: o.size * o.size, kernelInitializer: init.normal(), name: 'condition_plane' })
      .apply(condition) as tf.SymbolicTensor;
    plane = tf.layers.reshape({ targetShape: [o.size, o.size, 1] }).apply(plane) as tf.SymbolicTensor;
    x = tf.layers.concatenate({ name: 'image_and_condition' }).apply([image, plane]) as tf.SymbolicTensor;
  }
  x = dcganDownsampling(x, o, init);
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const logit = tf.layers
    .dense({ units: 1, kernelInitializer: init.normal(), name: 'logit' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: condition ? [image, condition] : [image], outputs: logit, name: 'dcgan_discriminator' });
}

/** Both DCGAN networks for one image size; see {@link dcganGenerator} and {@link dcganDiscriminator}. */
export function dcgan(options: DcganOptions): DcganModels {
  return { generator: dcganGenerator(options), discriminator: dcganDiscriminator(options) };
}
