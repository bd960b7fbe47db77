import * as tf from '@tensorflow/tfjs';

import { assertInteger, deriveSeed, InvalidArgumentError, PixelShuffle } from '@ganforge/core';

/** Upscaling factors SRResNet supports: one x2 sub-pixel stage per factor of two. */
export type SrresnetScale = 2 | 4 | 8;

export interface SrresnetOptions {
  /** Residual blocks B. Default 16 (SRGAN sec. 3.2). */
  readonly blocks?: number;
  /** Upscaling factor. Default 4. */
  readonly scale?: SrresnetScale;
  /** Feature maps of every convolution before the last. Default 64. */
  readonly filters?: number;
  /** Image channels in and out. Default 3. */
  readonly channels?: number;
  /** Seed of the weight initialisation. Default 0. */
  readonly seed?: number;
  /** Momentum of the batch-norm moving averages (Keras convention). Default 0.9 (PyTorch's 0.1). */
  readonly batchNormMomentum?: number;
  readonly name?: string;
}

/** What an SRResNet was built with, as {@link srresnet} fills in the defaults. */
export interface SrresnetConfig {
  readonly blocks: number;
  readonly scale: SrresnetScale;
  readonly filters: number;
  readonly channels: number;
}

const supportedScales: readonly number[] = [2, 4, 8];

/**
 * The SRResNet generator of SRGAN (Ledig et al. 2016, fig. 4): a 9x9 convolution and PReLU; B
 * residual blocks (3x3 conv, BN, PReLU, 3x3 conv, BN, identity skip); a 3x3 conv and BN joined to
 * the first features by a long skip; log2(scale) sub-pixel stages (3x3 conv to 4x the filters,
 * {@link PixelShuffle} x2, PReLU); a 9x9 convolution to the image channels (linear output).
 *
 * Fully convolutional: the input is [batch, height, width, channels] of any size, images in
 * [-1, 1], and the output is `scale` times larger. PReLU slopes are shared over space so that any
 * size works.
 *
 * @example
 * ```ts
 * const generator = srresnet({ blocks: 16, scale: 4, filters: 64 });
 * const sr = generator.predict(tf.zeros([1, 24, 24, 3])) as tf.Tensor4D; // [1, 96, 96, 3]
 * ```
 */
export function srresnet(options: SrresnetOptions = {}): tf.LayersModel {
  const config = srresnetConfig(options);
  const seed = options.seed ?? 0;
  assertInteger(seed, 0, 2 ** 31 - 1, 'options.seed');
  const momentum = options.batchNormMomentum ?? 0.9;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) {
    throw new InvalidArgumentError('options.batchNormMomentum', 'a number in [0, 1)', momentum);
  }
  const { blocks, scale, filters, channels } = config;
  let layerIndex = 0;
  const conv = (units: number, kernelSize: number, name: string, useBias = true) =>
    tf.layers.conv2d({
      filters: units,
      kernelSize,
      padding: 'same',
      useBias,
      kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(seed, 'srresnet', layerIndex++) }),
      name,
    });
  // PReLU's slope starts at 0.25 (He et al. 2015), one per channel, shared over height and width.
  const prelu = (name: string) =>
    tf.layers.prelu({ sharedAxes: [1, 2], alphaInitializer: tf.initializers.constant({ value: 0.25 }), name });
  const batchNorm = (name: string) => tf.layers.batchNormalization({ momentum, epsilon: 1e-5, name });
  const apply = (layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(input) as tf.SymbolicTensor;

  const input = tf.input({ shape: [null, null, channels], name: 'low_resolution' });
  const head = apply(prelu('head_prelu'), apply(conv(filters, 9, 'head_conv'), input));
  let features = head;
  for (let block = 1; block <= blocks; block++) {
    const prefix = `block${block}`;
    let x = apply(conv(filters, 3, `${prefix}_conv1`, false), features);
    x = apply(batchNorm(`${prefix}_bn1`), x);
    x = apply(prelu(`${prefix}_prelu`), x);
    x = apply(conv(filters, 3, `${prefix}_conv2`, false), x);
    x = apply(batchNorm(`${prefix}_bn2`), x);
    features = apply(tf.layers.add({ name: `${prefix}_add` }), [features, x]);
  }
  let body = apply(conv(filters, 3, 'body_conv', false), features);
  body = apply(batchNorm('body_bn'), body);
  let x = apply(tf.layers.add({ name: 'long_skip' }), [head, body]);
  for (let stage = 1; 2 ** stage <= scale; stage++) {
    x = apply(conv(filters * 4, 3, `upsample${stage}_conv`), x);
    x = apply(new PixelShuffle({ scale: 2, name: `upsample${stage}_shuffle` }), x);
    x = apply(prelu(`upsample${stage}_prelu`), x);
  }
  const output = apply(conv(channels, 9, 'tail_conv'), x);
  return tf.model({
    inputs: input,
    outputs: output,
    name: options.name ?? `srresnet_b${blocks}_x${scale}_f${filters}`,
  });
}

/** Validates SRResNet options and fills in the defaults. */
export function srresnetConfig(options: SrresnetOptions = {}): SrresnetConfig {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', '{ blocks?, scale?, filters?, channels? }', options);
  }
  const blocks = options.blocks ?? 16;
  const scale = options.scale ?? 4;
  const filters = options.filters ?? 64;
  const channels = options.channels ?? 3;
  assertInteger(blocks, 0, 256, 'options.blocks');
  if (!supportedScales.includes(scale)) {
    throw new InvalidArgumentError(
      'options.scale',
      '2, 4 or 8 (one x2 sub-pixel stage per factor of two)',
      scale,
      'For x3, upscale by 4 and resize down with bicubicResize.',
    );
  }
  assertInteger(filters, 1, 4096, 'options.filters');
  assertInteger(channels, 1, 4, 'options.channels');
  return { blocks, scale, filters, channels };
}

/**
 * How far (in low-resolution pixels, rounded up) an output pixel of {@link srresnet} sees into its
 * input: the 9x9 head (4), two 3x3 convolutions per block, the body conv (1), one 3x3 conv per
 * sub-pixel stage at 2^k times the resolution (1 / 2^k each), the 9x9 tail at full resolution
 * (4 / scale). Tiled inference with at least this much padding matches whole-image inference.
 */
export function srresnetReceptiveRadius(options: Pick<SrresnetOptions, 'blocks' | 'scale'> = {}): number {
  const { blocks, scale } = srresnetConfig(options);
  let radius = 4 + 2 * blocks + 1 + 4 / scale;
  for (let stage = 0; 2 ** (stage + 1) <= scale; stage++) radius += 1 / 2 ** stage;
  return Math.ceil(radius);
}
