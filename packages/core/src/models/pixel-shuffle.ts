import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { assertInteger } from '../tensor-checks.js';

export interface PixelShuffleArgs {
  /** Upscaling factor r: [B, H, W, C*r*r] -> [B, H*r, W*r, C]. */
  scale: number;
  name?: string;
}

/**
 * Rearranges [B, H, W, C*r*r] into [B, H*r, W*r, C] (Shi et al. 2016, "sub-pixel convolution"),
 * in the channel order of `tf.depthToSpace` (NHWC, DCR). Built from reshape + transpose because
 * tfjs-core 4.22 registers no gradient for DepthToSpace, so this layer trains on every backend.
 *
 * @example
 * ```ts
 * const upsampled = new PixelShuffle({ scale: 2 }).apply(tf.input({ shape: [24, 24, 256] })); // [null, 48, 48, 64]
 * ```
 */
export class PixelShuffle extends tf.layers.Layer {
  static readonly className = 'GanForgePixelShuffle';
  readonly scale: number;

  constructor(args: PixelShuffleArgs) {
    super({ name: args.name });
    assertInteger(args.scale, 1, 64, 'PixelShuffle scale');
    this.scale = args.scale;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [batch, height, width, channels] = shape;
    if (shape.length !== 4) {
      throw new ShapeMismatchError(
        'PixelShuffle input',
        '[batch, height, width, channels]',
        shape.map((d) => d ?? -1),
      );
    }
    const area = this.scale * this.scale;
    if (channels == null || channels % area !== 0) {
      throw new InvalidArgumentError('PixelShuffle input channels', `a multiple of scale^2 = ${area}`, channels);
    }
    return [
      batch ?? null,
      height == null ? null : height * this.scale,
      width == null ? null : width * this.scale,
      channels / area,
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    return pixelShuffle(input as tf.Tensor4D, this.scale);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

/** The op behind {@link PixelShuffle}: depth-to-space (DCR order) with a gradient on every backend. */
export function pixelShuffle(input: tf.Tensor4D, scale: number): tf.Tensor4D {
  const [batch, height, width, channels] = input.shape;
  const outChannels = channels / (scale * scale);
  if (!Number.isInteger(outChannels)) {
    throw new ShapeMismatchError('input', `[batch, height, width, a multiple of ${scale * scale}]`, input.shape);
  }
  // Channel index (dy * r + dx) * C + c. Folding batch into rows keeps the transpose 4-D, which
  // every tfjs backend implements: [B*H, W, r, r*C] -> [B*H, r, W, r*C] puts dy beside h and dx beside w.
  return tf.tidy(() =>
    input
      .reshape([batch * height, width, scale, scale * outChannels])
      .transpose([0, 2, 1, 3])
      .reshape([batch, height * scale, width * scale, outChannels]),
  );
}
