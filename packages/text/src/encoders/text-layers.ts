import * as tf from '@tensorflow/tfjs';

import { assertInteger, ShapeMismatchError } from '@ganforge/core';

import { FeatureStandardization } from './feature-standardization.js';

function firstShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
}

function firstTensor(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

/**
 * Token ids [B, L] to one-hot rows [B, L, depth]: id k > 0 sets column k - 1, id 0 (padding) is the zero
 * vector, as in Reed et al.'s character encoding. No weights.
 */
export class OneHotTokens extends tf.layers.Layer {
  static readonly className = 'GanForgeOneHotTokens';
  readonly depth: number;

  constructor(args: { depth: number; name?: string }) {
    super({ name: args.name, trainable: false });
    assertInteger(args.depth, 1, 1 << 16, 'OneHotTokens depth');
    this.depth = args.depth;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, length] = firstShape(inputShape);
    return [batch ?? null, length ?? null, this.depth];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // tf.oneHot gives an all-zero row for index -1, so padding (id 0) needs no special case.
    return tf.tidy(() =>
      tf.oneHot(tf.sub(firstTensor(inputs).toInt(), tf.scalar(1, 'int32')) as tf.Tensor2D, this.depth).toFloat(),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), depth: this.depth };
  }
}

/**
 * Non-overlapping max-pooling over time, [B, L, C] -> [B, floor(L / poolSize), C], like Torch's
 * TemporalMaxPooling(k, k) in Reed et al.'s char-CNN-RNN. Built from reshape + max rather than
 * tf.maxPool because tfjs-backend-wasm 4.22's MaxPoolGrad drops the gradient of every window whose
 * values are all negative.
 */
export class TemporalMaxPooling extends tf.layers.Layer {
  static readonly className = 'GanForgeTemporalMaxPooling';
  readonly poolSize: number;

  constructor(args: { poolSize: number; name?: string }) {
    super({ name: args.name });
    assertInteger(args.poolSize, 1, 1 << 16, 'TemporalMaxPooling poolSize');
    this.poolSize = args.poolSize;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = firstShape(inputShape);
    if (shape.length !== 3) {
      throw new ShapeMismatchError(
        'TemporalMaxPooling input',
        '[batch, steps, channels]',
        shape.map((d) => d ?? -1),
      );
    }
    const [batch, steps, channels] = shape;
    return [batch ?? null, steps == null ? null : Math.floor(steps / this.poolSize), channels ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return temporalMaxPool(firstTensor(inputs) as tf.Tensor3D, this.poolSize);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize };
  }
}

/** The op behind {@link TemporalMaxPooling}; the trailing steps that do not fill a window are dropped. */
export function temporalMaxPool(input: tf.Tensor3D, poolSize: number): tf.Tensor3D {
  const [batch, steps, channels] = input.shape;
  const windows = Math.floor(steps / poolSize);
  if (windows < 1) {
    throw new ShapeMismatchError('input', `[batch, >= ${poolSize} steps, channels]`, input.shape);
  }
  return tf.tidy(() =>
    input
      .slice([0, 0, 0], [batch, windows * poolSize, channels])
      .reshape([batch, windows, poolSize, channels])
      .max(2),
  );
}

/**
 * Token ids [B, L] to normalised word counts [B, vocabularySize - 1] (padding not counted; a row
 * without tokens stays zero): the input of a bag-of-words encoder. No weights.
 */
export class BagOfTokens extends tf.layers.Layer {
  static readonly className = 'GanForgeBagOfTokens';
  readonly vocabularySize: number;

  constructor(args: { vocabularySize: number; name?: string }) {
    super({ name: args.name, trainable: false });
    assertInteger(args.vocabularySize, 2, 1 << 24, 'BagOfTokens vocabularySize');
    this.vocabularySize = args.vocabularySize;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [firstShape(inputShape)[0] ?? null, this.vocabularySize - 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.sub(firstTensor(inputs).toInt(), tf.scalar(1, 'int32')) as tf.Tensor2D;
      const counts = tf
        .oneHot(ids, this.vocabularySize - 1)
        .toFloat()
        .sum(1);
      return counts.div(counts.sum(1, true).maximum(1));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabularySize: this.vocabularySize };
  }
}

let registered = false;

/** Registers the text layers with tfjs serialization (importing `@ganforge/text` does this). */
export function registerTextLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(OneHotTokens);
  tf.serialization.registerClass(TemporalMaxPooling);
  tf.serialization.registerClass(BagOfTokens);
  tf.serialization.registerClass(FeatureStandardization);
  registered = true;
}
