import * as tf from '@tensorflow/tfjs';

import { assertInteger, deriveSeed, InvalidArgumentError } from '@ganforge/core';

export interface SrganDiscriminatorOptions {
  /** Side of the (square) high-resolution images it judges. Default 96 (SRGAN sec. 3.2 crops). */
  readonly size?: number;
  /** Image channels. Default 3. */
  readonly channels?: number;
  /** Filters of the first two convolutions; later pairs double it (64, 128, 256, 512). Default 64. */
  readonly filters?: number;
  /** Units of the hidden dense layer. Default 1024. */
  readonly denseUnits?: number;
  /** Seed of the weight initialisation. Default 0. */
  readonly seed?: number;
  readonly name?: string;
}

/**
 * The SRGAN discriminator (Ledig et al. 2016, fig. 4): eight 3x3 convolutions with 64, 64, 128,
 * 128, 256, 256, 512, 512 filters and strides alternating 1 and 2, batch norm after all but the
 * first, LeakyReLU (alpha 0.2); then dense 1024, LeakyReLU, dense 1. The output is a logit (the
 * paper's sigmoid lives in the loss), for `nonSaturatingLoss`.
 *
 * @example
 * ```ts
 * const discriminator = srganDiscriminator({ size: 96 });
 * const logits = discriminator.predict(tf.zeros([2, 96, 96, 3])) as tf.Tensor2D; // [2, 1]
 * ```
 */
export function srganDiscriminator(options: SrganDiscriminatorOptions = {}): tf.LayersModel {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', '{ size?, channels?, filters?, denseUnits? }', options);
  }
  const size = options.size ?? 96;
  const channels = options.channels ?? 3;
  const filters = options.filters ?? 64;
  const denseUnits = options.denseUnits ?? 1024;
  const seed = options.seed ?? 0;
  // Four stride-2 layers halve the side four times.
  assertInteger(size, 16, 8192, 'options.size');
  assertInteger(channels, 1, 4, 'options.channels');
  assertInteger(filters, 1, 4096, 'options.filters');
  assertInteger(denseUnits, 1, 1 << 16, 'options.denseUnits');
  assertInteger(seed, 0, 2 ** 31 - 1, 'options.seed');
  let layerIndex = 0;
  const initializer = () => tf.initializers.heNormal({ seed: deriveSeed(seed, 'srgan-discriminator', layerIndex++) });
  const apply = (layer: tf.layers.Layer, input: tf.SymbolicTensor) => layer.apply(input) as tf.SymbolicTensor;

  const input = tf.input({ shape: [size, size, channels], name: 'high_resolution' });
  let x = input;
  for (let index = 0; index < 8; index++) {
    const units = filters * 2 ** Math.floor(index / 2);
    const strides = index % 2 === 0 ? 1 : 2;
    const name = `conv${index + 1}`;
    x = apply(
      tf.layers.conv2d({
        filters: units,
        kernelSize: 3,
        strides,
        padding: 'same',
        useBias: index === 0,
        kernelInitializer: initializer(),
        name,
      }),
      x,
    );
    if (index > 0) x = apply(tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: `${name}_bn` }), x);
    x = apply(tf.layers.leakyReLU({ alpha: 0.2, name: `${name}_lrelu` }), x);
  }
  x = apply(tf.layers.flatten({ name: 'flatten' }), x);
  x = apply(tf.layers.dense({ units: denseUnits, kernelInitializer: initializer(), name: 'dense1' }), x);
  x = apply(tf.layers.leakyReLU({ alpha: 0.2, name: 'dense1_lrelu' }), x);
  const logit = apply(tf.layers.dense({ units: 1, kernelInitializer: initializer(), name: 'logit' }), x);
  return tf.model({ inputs: input, outputs: logit, name: options.name ?? `srgan_discriminator_${size}` });
}
