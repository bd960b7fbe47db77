import * as tf from '@tensorflow/tfjs';

import { assertInteger } from '@ganforge/core';

import type { LapGanLevelConfig, LapGanLevelSpec, LapGanTrainerOptions } from './lapgan-level-spec.js';

export interface LapGanModelOptions {
  /**
   * Convolution filters of the finer levels' networks. Default 64 (Denton et al. 2015, sec. 4:
   * CIFAR-10 finer-level generators are small all-convolutional networks).
   */
  readonly filters?: number;
  /**
   * Hidden units of the coarsest level's MLPs. Default 1200 for G and half of it for D (the paper's
   * coarsest CIFAR-10 models are MLPs: G with two hidden layers of 1200 ReLU units, a smaller D).
   */
  readonly hiddenUnits?: number;
  /** Kernel size of the finer levels' convolutions. Default 5. */
  readonly kernelSize?: number;
  /** Noise size; see {@link LapGanLevelConfig.noiseDim}. */
  readonly noiseDim?: number;
  readonly trainer?: LapGanTrainerOptions;
}

const leakySlope = 0.2;

// Radford et al. 2016, sec. 4: weights from N(0, 0.02), as @ganforge/core's DCGAN. It also makes a
// finer level's generator start with small residuals, so an untrained level barely disturbs the
// upsampled coarser image.
class SeededInit {
  #next: number;
  constructor(seed: number) {
    this.#next = seed;
  }
  normal() {
    return tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.#next++ });
  }
}

/**
 * The coarsest level's generator: an MLP from noise (and a one-hot class) to a small image in
 * [-1, 1] (tanh), two hidden ReLU layers with batch norm.
 *
 * @example
 * ```ts
 * const generator = lapganCoarseGenerator({ level: 2, levels: 3, coarsest: true, height: 7, width: 7, channels: 1,
 *   noiseDim: 100, conditionChannels: 0, classes: 0, seed: 0 });
 * ```
 */
export function lapganCoarseGenerator(spec: LapGanLevelSpec, options: { hiddenUnits?: number } = {}): tf.LayersModel {
  const hidden = options.hiddenUnits ?? 1200;
  assertInteger(hidden, 1, 1 << 16, 'options.hiddenUnits');
  const init = new SeededInit(spec.seed * 1000 + 1);
  const noise = tf.input({ shape: [spec.noiseDim], name: 'noise' });
  const label = spec.classes > 0 ? tf.input({ shape: [spec.classes], name: 'class' }) : undefined;
  let x: tf.SymbolicTensor = label ? (tf.layers.concatenate().apply([noise, label]) as tf.SymbolicTensor) : noise;
  for (let layer = 0; layer < 2; layer++) {
    x = tf.layers
      .dense({ units: hidden, kernelInitializer: init.normal(), name: `hidden${layer + 1}` })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ momentum: 0.9, name: `hidden${layer + 1}_bn` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers
    .dense({
      units: spec.height * spec.width * spec.channels,
      activation: 'tanh',
      kernelInitializer: init.normal(),
      name: 'to_image',
    })
    .apply(x) as tf.SymbolicTensor;
  const image = tf.layers
    .reshape({ targetShape: [spec.height, spec.width, spec.channels] })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: label ? [noise, label] : [noise], outputs: image, name: `lapgan_g${spec.level}` });
}

/** The coarsest level's discriminator: an MLP (LeakyReLU 0.2) on the flattened image (and one-hot class). */
export function lapganCoarseDiscriminator(
  spec: LapGanLevelSpec,
  options: { hiddenUnits?: number } = {},
): tf.LayersModel {
  const hidden = options.hiddenUnits ?? 600;
  assertInteger(hidden, 1, 1 << 16, 'options.hiddenUnits');
  const init = new SeededInit(spec.seed * 1000 + 500);
  const image = tf.input({ shape: [spec.height, spec.width, spec.channels], name: 'image' });
  const label = spec.classes > 0 ? tf.input({ shape: [spec.classes], name: 'class' }) : undefined;
  let x = tf.layers.flatten().apply(image) as tf.SymbolicTensor;
  if (label) x = tf.layers.concatenate().apply([x, label]) as tf.SymbolicTensor;
  for (let layer = 0; layer < 2; layer++) {
    x = tf.layers
      .dense({ units: hidden, kernelInitializer: init.normal(), name: `hidden${layer + 1}` })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.leakyReLU({ alpha: leakySlope }).apply(x) as tf.SymbolicTensor;
  }
  const logit = tf.layers
    .dense({ units: 1, kernelInitializer: init.normal(), name: 'logit' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: label ? [image, label] : [image], outputs: logit, name: `lapgan_d${spec.level}` });
}

/**
 * A finer level's generator (Denton et al. 2015, sec. 3): the noise becomes one plane (reshaped when
 * noiseDim is height x width, else projected), is concatenated with the condition image as an extra
 * channel, and three same-size convolutions (ReLU + batch norm between) produce the residual h_k.
 * The output is linear: residuals are band-pass and can be of either sign and any small size.
 */
export function lapganResidualGenerator(
  spec: LapGanLevelSpec,
  options: { filters?: number; kernelSize?: number } = {},
): tf.LayersModel {
  const filters = options.filters ?? 64;
  const kernelSize = options.kernelSize ?? 5;
  assertInteger(filters, 1, 4096, 'options.filters');
  assertInteger(kernelSize, 1, 15, 'options.kernelSize');
  const init = new SeededInit(spec.seed * 1000 + 1);
  const noise = tf.input({ shape: [spec.noiseDim], name: 'noise' });
  const condition = tf.input({ shape: [spec.height, spec.width, spec.conditionChannels], name: 'condition' });
  let plane: tf.SymbolicTensor = noise;
  if (spec.noiseDim !== spec.height * spec.width) {
    plane = tf.layers
      .dense({ units: spec.height * spec.width, kernelInitializer: init.normal(), name: 'noise_plane' })
      .apply(noise) as tf.SymbolicTensor;
  }
  plane = tf.layers.reshape({ targetShape: [spec.height, spec.width, 1] }).apply(plane) as tf.SymbolicTensor;
  let x = tf.layers.concatenate({ name: 'condition_and_noise' }).apply([condition, plane]) as tf.SymbolicTensor;
  for (let layer = 0; layer < 2; layer++) {
    x = tf.layers
      .conv2d({
        filters,
        kernelSize,
        padding: 'same',
        useBias: false,
        kernelInitializer: init.normal(),
        name: `conv${layer + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ momentum: 0.9, name: `conv${layer + 1}_bn` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  }
  const residual = tf.layers
    .conv2d({
      filters: spec.channels,
      kernelSize,
      padding: 'same',
      kernelInitializer: init.normal(),
      name: 'to_residual',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [noise, condition], outputs: residual, name: `lapgan_g${spec.level}` });
}

/**
 * A finer level's discriminator: the residual (real h_k or generated) concatenated with the
 * condition image, two stride-2 convolutions with LeakyReLU 0.2, and a linear logit.
 */
export function lapganResidualDiscriminator(
  spec: LapGanLevelSpec,
  options: { filters?: number; kernelSize?: number } = {},
): tf.LayersModel {
  const filters = options.filters ?? 64;
  const kernelSize = options.kernelSize ?? 5;
  assertInteger(filters, 1, 4096, 'options.filters');
  assertInteger(kernelSize, 1, 15, 'options.kernelSize');
  const init = new SeededInit(spec.seed * 1000 + 500);
  const residual = tf.input({ shape: [spec.height, spec.width, spec.channels], name: 'residual' });
  const condition = tf.input({ shape: [spec.height, spec.width, spec.conditionChannels], name: 'condition' });
  let x = tf.layers.concatenate({ name: 'residual_and_condition' }).apply([residual, condition]) as tf.SymbolicTensor;
  for (let layer = 0; layer < 2; layer++) {
    x = tf.layers
      .conv2d({
        filters,
        kernelSize,
        strides: 2,
        padding: 'same',
        kernelInitializer: init.normal(),
        name: `conv${layer + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.leakyReLU({ alpha: leakySlope }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const logit = tf.layers
    .dense({ units: 1, kernelInitializer: init.normal(), name: 'logit' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [residual, condition], outputs: logit, name: `lapgan_d${spec.level}` });
}

/**
 * A level config with the default models: MLPs at the coarsest level, small convolutional networks
 * at finer levels ({@link lapganCoarseGenerator}, {@link lapganResidualGenerator}, ...).
 *
 * @example
 * ```ts
 * const lapgan = new LapGan({ imageShape: [28, 28, 1], levels: [lapganLevel({ filters: 32 }), lapganLevel({ filters: 32 }), lapganLevel({ hiddenUnits: 256 })] });
 * ```
 */
export function lapganLevel(options: LapGanModelOptions = {}): LapGanLevelConfig {
  const hiddenUnits = options.hiddenUnits ?? 1200;
  return {
    generator: (spec) =>
      spec.coarsest ? lapganCoarseGenerator(spec, { hiddenUnits }) : lapganResidualGenerator(spec, options),
    discriminator: (spec) =>
      spec.coarsest
        ? lapganCoarseDiscriminator(spec, { hiddenUnits: Math.max(1, Math.round(hiddenUnits / 2)) })
        : lapganResidualDiscriminator(spec, options),
    ...(options.noiseDim === undefined ? {} : { noiseDim: options.noiseDim }),
    ...(options.trainer === undefined ? {} : { trainer: options.trainer }),
  };
}
