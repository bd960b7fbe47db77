import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { GanForgeError, InvalidArgumentError } from '../errors.js';
import { dcganDiscriminator } from '../models/dcgan.js';
import { tinyDiscriminator, tinyGenerator } from '../test-support/tiny-models.js';
import { AdversarialTrainer } from '../trainer/adversarial-trainer.js';
import { gradientPenalty } from './gradient-penalty.js';
import {
  assertPenaltySupportsModel,
  penaltySupportedActivations,
  penaltySupportedLayers,
} from './penalty-layer-support.js';
import { r1Penalty } from './r1-penalty.js';
import { buildCritic, penaltyGradientCases } from './test-fixtures/penalty-gradient-table.js';
import { UnsupportedPenaltyLayerError } from './unsupported-penalty-layer-error.js';

/** A critic image [4, 4, 2] -> layer under test -> flatten -> dense(1). */
function criticWith(layer: tf.layers.Layer, inputShape = [4, 4, 2]): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  const hidden = layer.apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(flat) as tf.SymbolicTensor });
}

describe('which discriminators the penalties accept', () => {
  it('every layer class and activation it accepts is checked by a case of the finite-difference table', () => {
    // The converse of the table's check: nothing is declared supported that no case exercises.
    const classes = new Set<string>();
    const activations = new Set<string>();
    for (const testCase of penaltyGradientCases) {
      const { model } = buildCritic(testCase);
      for (const layer of model.layers) {
        classes.add(layer.getClassName());
        const activation = layer.getConfig().activation;
        if (typeof activation === 'string') activations.add(activation);
      }
      model.dispose();
    }
    expect([...penaltySupportedLayers].filter((name) => !classes.has(name))).toEqual([]);
    expect([...penaltySupportedActivations].filter((name) => !activations.has(name))).toEqual([]);
  });

  it('accepts every table case but logSoftmax, whose tfjs second-order gradient is wrong', () => {
    for (const testCase of penaltyGradientCases) {
      const { model } = buildCritic(testCase);
      if (testCase.name.includes('logSoftmax')) {
        expect(() => assertPenaltySupportsModel(model, 'r1Penalty')).toThrow(UnsupportedPenaltyLayerError);
      } else {
        expect(() => assertPenaltySupportsModel(model, 'r1Penalty'), testCase.name).not.toThrow();
      }
      model.dispose();
    }
  });

  it("accepts GANForge's DCGAN discriminators, conditional or not", () => {
    for (const model of [dcganDiscriminator({ size: 28 }), dcganDiscriminator({ size: 32, conditionDim: 3 })]) {
      expect(() => gradientPenalty().checkDiscriminator!(model)).not.toThrow();
      model.dispose();
    }
  });

  it.each([
    ['maxPooling2d', () => tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }), 'MaxPooling2D', /MaxPoolGrad/],
    [
      'a dilated depthwiseConv2d',
      () => tf.layers.depthwiseConv2d({ kernelSize: 2, dilationRate: 2, name: 'pool' }),
      'DepthwiseConv2D',
      /dilationRate \[2,2\]/,
    ],
    [
      'a dilated conv2d',
      () => tf.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, name: 'pool' }),
      'Conv2D',
      /dilationRate \[2,2\]/,
    ],
    [
      'bilinear upSampling2d',
      () => tf.layers.upSampling2d({ interpolation: 'bilinear', name: 'pool' }),
      'UpSampling2D',
      /bilinear/,
    ],
    [
      'a dense logSoftmax',
      () => tf.layers.dense({ units: 3, activation: 'logSoftmax' as 'linear', name: 'pool' }),
      'Dense',
      /logSoftmax/,
    ],
    [
      'an unchecked layer',
      () => tf.layers.gaussianNoise({ stddev: 0.1, name: 'pool' }),
      'GaussianNoise',
      /not one of the layers/,
    ],
  ])('refuses %s with an error naming the layer', (_what, makeLayer, className, reason) => {
    const model = criticWith(makeLayer());
    for (const regularizer of [gradientPenalty(), r1Penalty()]) {
      let error: unknown;
      try {
        regularizer.checkDiscriminator!(model);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UnsupportedPenaltyLayerError);
      expect(error).toBeInstanceOf(GanForgeError);
      const typed = error as UnsupportedPenaltyLayerError;
      expect(typed.code).toBe('UNSUPPORTED_PENALTY_LAYER');
      expect(typed.layer).toBe('pool');
      expect(typed.className).toBe(className);
      expect(typed.message).toMatch(/layer 'pool'/);
      expect(typed.message).toMatch(reason);
    }
    model.dispose();
  });

  it('looks inside nested models', () => {
    const inner = criticWith(tf.layers.maxPooling2d({ poolSize: 2, name: 'inner_pool' }));
    const outer = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [4, 4, 2] }), inner] });
    expect(() => r1Penalty().checkDiscriminator!(outer)).toThrow(/layer 'inner_pool' \(MaxPooling2D\)/);
    outer.dispose();
  });

  it('accepts a layer class named in allowLayers, and validates the option', () => {
    const model = criticWith(tf.layers.gaussianNoise({ stddev: 0.1 }));
    expect(() => r1Penalty({ allowLayers: ['GaussianNoise'] }).checkDiscriminator!(model)).not.toThrow();
    expect(() => gradientPenalty({ allowLayers: ['GaussianNoise'] }).checkDiscriminator!(model)).not.toThrow();
    expect(() => r1Penalty({ allowLayers: 'GaussianNoise' as unknown as string[] })).toThrow(InvalidArgumentError);
    expect(() => gradientPenalty({ allowLayers: [''] })).toThrow(
      /options.allowLayers: expected an array of layer class names/,
    );
    model.dispose();
  });

  it('AdversarialTrainer refuses the penalty at construction', () => {
    const image = tf.input({ shape: [6] });
    const hidden = tf.layers.dense({ units: 4, activation: 'logSoftmax' as 'linear', name: 'bad_dense' }).apply(image);
    const discriminator = tf.model({
      inputs: image,
      outputs: tf.layers.dense({ units: 1 }).apply(hidden) as tf.SymbolicTensor,
    });
    const build = (regularizer: ReturnType<typeof r1Penalty>) =>
      new AdversarialTrainer({
        generator: tinyGenerator({ noiseDim: 3 }),
        discriminator,
        noise: { dim: 3 },
        regularizers: [regularizer],
      });
    expect(() => build(gradientPenalty())).toThrow(/gradientPenalty: the discriminator's layer 'bad_dense' \(Dense\)/);
    expect(() => build(r1Penalty())).toThrow(UnsupportedPenaltyLayerError);
    expect(
      () =>
        new AdversarialTrainer({
          generator: tinyGenerator({ noiseDim: 3 }),
          discriminator: tinyDiscriminator(),
          noise: { dim: 3 },
          regularizers: [r1Penalty()],
        }),
    ).not.toThrow();
  });
});
