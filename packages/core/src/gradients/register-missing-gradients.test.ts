import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { registerMissingGradients } from './register-missing-gradients.js';

registerMissingGradients();

/** Central finite difference of a scalar function at each listed coordinate of `point`. */
function numericGradient(
  fn: (x: tf.Tensor) => tf.Scalar,
  point: tf.Tensor,
  coordinates: number[],
  epsilon = 1e-2,
): number[] {
  const base = point.dataSync().slice();
  return coordinates.map((index) => {
    const plus = base.slice();
    plus[index]! += epsilon;
    const minus = base.slice();
    minus[index]! -= epsilon;
    const high = tf.tidy(() => fn(tf.tensor(plus, point.shape)).dataSync()[0]!);
    const low = tf.tidy(() => fn(tf.tensor(minus, point.shape)).dataSync()[0]!);
    return (high - low) / (2 * epsilon);
  });
}

describe('registerMissingGradients', () => {
  it('gives comparison ops a zero gradient, so leakyRelu is twice differentiable', () => {
    const x = tf.tensor1d([-2, -0.5, 0.5, 3]);
    // d/dx sum((d leakyRelu(x)/dx) * x^2) = slope(x) * 2x, because the slope is piecewise constant.
    const outer = tf.grad((input: tf.Tensor) => {
      const slope = tf.grad((inner: tf.Tensor) => tf.leakyRelu(inner, 0.2).sum())(input);
      return slope.mul(input.square()).sum();
    })(x);
    expect(Array.from(outer.dataSync())).toEqual([0.2 * -4, 0.2 * -1, 1, 6].map((v) => expect.closeTo(v, 5)));
  });

  it.each([
    { name: 'stride 1, same', strides: 1, pad: 'same' as const },
    { name: 'stride 2, same', strides: 2, pad: 'same' as const },
    { name: 'stride 2, valid', strides: 2, pad: 'valid' as const },
  ])('differentiates Conv2DBackpropFilter ($name) like a finite difference', ({ strides, pad }) => {
    const x = tf.randomNormal([2, 7, 7, 2], 0, 1, 'float32', 1);
    const filterShape: [number, number, number, number] = [3, 3, 2, 3];
    const outShape = tf.conv2d(x as tf.Tensor4D, tf.zeros(filterShape) as tf.Tensor4D, strides, pad).shape;
    const dy = tf.randomNormal(outShape, 0, 1, 'float32', 2);
    const weights = tf.randomNormal(filterShape, 0, 1, 'float32', 3);
    // f(x, dy) = sum(W * dFilter(x, dy)), where dFilter is the filter gradient of conv2d.
    const filterGradient = (input: tf.Tensor, upstream: tf.Tensor) =>
      tf.grad((w: tf.Tensor) =>
        tf
          .conv2d(input as tf.Tensor4D, w as tf.Tensor4D, strides, pad)
          .mul(upstream)
          .sum(),
      )(tf.zeros(filterShape));
    const f = (input: tf.Tensor, upstream: tf.Tensor) =>
      filterGradient(input, upstream).mul(weights).sum() as tf.Scalar;

    const [dx, ddy] = tf.grads((input: tf.Tensor, upstream: tf.Tensor) => f(input, upstream))([x, dy]);
    const coordinates = [0, 17, 40, 97];
    numericGradient((input) => f(input, dy), x, coordinates).forEach((value, i) =>
      expect(dx!.dataSync()[coordinates[i]!]).toBeCloseTo(value, 2),
    );
    const dyCoordinates = [0, 5, dy.size - 1];
    numericGradient((upstream) => f(x, upstream), dy, dyCoordinates).forEach((value, i) =>
      expect(ddy!.dataSync()[dyCoordinates[i]!]).toBeCloseTo(value, 2),
    );
  });
});
