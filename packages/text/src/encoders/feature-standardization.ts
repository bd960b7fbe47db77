import * as tf from '@tensorflow/tfjs';

import { assertInteger } from '@ganforge/core';

/**
 * (x - mean) * scale per feature, with `mean` and `scale` stored as (non-trainable) weights so a saved
 * model keeps them.
 */
export class FeatureStandardization extends tf.layers.Layer {
  static readonly className = 'GanForgeFeatureStandardization';
  #mean: tf.LayerVariable | undefined;
  #scale: tf.LayerVariable | undefined;

  constructor(args: { name?: string } = {}) {
    super({ name: args.name, trainable: false });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[shape.length - 1];
    assertInteger(features, 1, 1 << 24, 'FeatureStandardization input features');
    this.#mean = this.addWeight('mean', [features], 'float32', tf.initializers.zeros(), undefined, false);
    this.#scale = this.addWeight('scale', [features], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.mul(tf.sub(input, this.#mean!.read()), this.#scale!.read()));
  }
}
