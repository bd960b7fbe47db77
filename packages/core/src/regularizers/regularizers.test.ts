import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { registerMissingGradients } from '../gradients/register-missing-gradients.js';
import { gradientPenalty } from './gradient-penalty.js';
import { r1Penalty } from './r1-penalty.js';

// A linear critic D(x) = <w, x> + b has gradient w everywhere, so its penalties have closed forms:
// R1 = gamma/2 ||w||^2 (Mescheder et al. 2018, eq. 9), GP = lambda (||w|| - 1)^2 (Gulrajani et al. 2017, eq. 3).
const w = [1, 2, 2]; // ||w|| = 3

function linearCritic(weights: tf.Tensor) {
  return (images: tf.Tensor) =>
    images
      .reshape([images.shape[0]!, -1])
      .matMul(weights.reshape([-1, 1]))
      .add(0.5);
}

registerMissingGradients();

describe('discriminator regularizers', () => {
  const real = tf.tensor4d([1, 0, -1, 0.5, 0.5, 0.5], [2, 1, 3, 1]);
  const fake = tf.tensor4d([0, 0, 0, -1, 1, -1], [2, 1, 3, 1]);

  it('R1 of a linear critic is gamma/2 ||w||^2', () => {
    const value = r1Penalty({ gamma: 10 }).penalty({ real, fake, discriminate: linearCritic(tf.tensor1d(w)), seed: 1 });
    expect(value.dataSync()[0]).toBeCloseTo((10 / 2) * 9, 4);
  });

  it('R1 of D(x) = sum x^2 is gamma/2 E[4 ||x||^2]', () => {
    const value = r1Penalty({ gamma: 1 }).penalty({
      real,
      fake,
      discriminate: (x) => x.square().reshape([x.shape[0]!, -1]).sum(1),
      seed: 1,
    });
    // ||x_1||^2 = 2, ||x_2||^2 = 0.75; mean(4 * [2, 0.75]) / 2 = 2.75
    expect(value.dataSync()[0]).toBeCloseTo(2.75, 5);
  });

  it('the gradient penalty of a linear critic is lambda (||w|| - 1)^2 wherever it is evaluated', () => {
    const value = gradientPenalty({ weight: 10 }).penalty({
      real,
      fake,
      discriminate: linearCritic(tf.tensor1d(w)),
      seed: 7,
    });
    expect(value.dataSync()[0]).toBeCloseTo(10 * 4, 3);
  });

  it('differentiates through the penalty (double backprop) to the critic weights', () => {
    // d/dw lambda (||w|| - 1)^2 = 2 lambda (||w|| - 1) w / ||w|| = 2 * 10 * 2 / 3 * w
    const weights = tf.variable(tf.tensor1d(w));
    const grads = tf.variableGrads(
      () => gradientPenalty({ weight: 10 }).penalty({ real, fake, discriminate: linearCritic(weights), seed: 3 }),
      [weights],
    );
    const gradient = Array.from(grads.grads[weights.name]!.dataSync());
    const expected = w.map((component) => ((2 * 10 * 2) / 3) * component);
    gradient.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 3));
    // d/dw gamma/2 ||w||^2 = gamma w
    const r1Grads = tf.variableGrads(
      () => r1Penalty({ gamma: 10 }).penalty({ real, fake, discriminate: linearCritic(weights), seed: 3 }),
      [weights],
    );
    Array.from(r1Grads.grads[weights.name]!.dataSync()).forEach((value, index) =>
      expect(value).toBeCloseTo(10 * w[index]!, 3),
    );
  });

  it('double backprop works through a conv + LeakyReLU critic (matches a finite difference)', () => {
    const kernel = tf.variable(tf.randomNormal([3, 3, 1, 2], 0, 0.5, 'float32', 11)) as tf.Variable<tf.Rank.R4>;
    const images = tf.randomNormal([2, 5, 5, 1], 0, 1, 'float32', 12);
    const critic = (k: tf.Tensor4D) => (x: tf.Tensor) =>
      tf
        .leakyRelu(tf.conv2d(x as tf.Tensor4D, k, 2, 'same'), 0.2)
        .reshape([x.shape[0]!, -1])
        .sum(1);
    const penaltyAt = (k: tf.Tensor4D) =>
      r1Penalty({ gamma: 2 }).penalty({ real: images, fake: images, discriminate: critic(k), seed: 0 });
    const analytic = tf.variableGrads(() => penaltyAt(kernel), [kernel]).grads[kernel.name]!.dataSync();
    const epsilon = 1e-2;
    const base = kernel.dataSync().slice();
    for (const index of [0, 5, 13]) {
      const plus = base.slice();
      plus[index]! += epsilon;
      const minus = base.slice();
      minus[index]! -= epsilon;
      const numeric =
        (penaltyAt(tf.tensor4d(plus, [3, 3, 1, 2])).dataSync()[0]! -
          penaltyAt(tf.tensor4d(minus, [3, 3, 1, 2])).dataSync()[0]!) /
        (2 * epsilon);
      expect(analytic[index]).toBeCloseTo(numeric, 1);
    }
  });

  it('leaves no tensors behind', () => {
    const weights = tf.tensor1d(w);
    const before = tf.memory().numTensors;
    gradientPenalty()
      .penalty({ real, fake, discriminate: linearCritic(weights), seed: 1 })
      .dispose();
    r1Penalty()
      .penalty({ real, fake, discriminate: linearCritic(weights), seed: 1 })
      .dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a negative weight', () => {
    expect(() => gradientPenalty({ weight: -1 })).toThrow(/options.weight: expected a number in \[0, /);
    expect(() => r1Penalty({ gamma: Number.NaN })).toThrow(/options.gamma/);
  });
});
