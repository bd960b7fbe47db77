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

describe('second derivatives through ops whose tfjs gradient reads a saved output', () => {
  // Closed forms: tfjs-core 4.22's own gradients drop every term through the saved output, so these
  // came out as zero (or "Cannot compute gradient") before registerMissingGradients replaced them.
  it('d/dx sum((d/dx exp(x))^2) = 2 exp(2x)', () => {
    const x = tf.tensor1d([-1, 0, 0.5]);
    const outer = tf.grad((input: tf.Tensor) =>
      tf
        .grad((inner: tf.Tensor) => tf.exp(inner).sum())(input)
        .square()
        .sum(),
    )(x);
    expect(Array.from(outer.dataSync())).toEqual([-1, 0, 0.5].map((v) => expect.closeTo(2 * Math.exp(2 * v), 4)));
  });

  it('d/db (d/db sum(a^b)) = a^b ln(a)^2', () => {
    const a = tf.tensor1d([0.5, 2, 3]);
    const b = tf.tensor1d([1.5, 2, 0.5]);
    const outer = tf.grad((exponent: tf.Tensor) =>
      tf
        .grad((inner: tf.Tensor) => tf.pow(a, inner).sum())(exponent)
        .sum(),
    )(b);
    const expected = [0.5, 2, 3].map((base, i) => base ** [1.5, 2, 0.5][i]! * Math.log(base) ** 2);
    expect(Array.from(outer.dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 4)));
  });

  it('gives clipByValue (relu with maxValue, hardSigmoid) float32 zero gradients through its logical ops', () => {
    const x = tf.tensor1d([-1, 0.5, 2]);
    // d/dx sum(clip'(x) * x^2) = clip'(x) * 2x, the slope being piecewise constant.
    const outer = tf.grad((input: tf.Tensor) =>
      tf
        .grad((inner: tf.Tensor) => tf.clipByValue(inner, 0, 1).sum())(input)
        .mul(input.square())
        .sum(),
    )(x);
    expect(Array.from(outer.dataSync())).toEqual([0, 1, 0]);
  });
});

describe('the ResizeNearestNeighbor gradient', () => {
  const images = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
  // Upstream gradient w for a [2, 4, 4, 1] output: 1..32.
  const upstream = tf.tensor4d(
    Array.from({ length: 32 }, (_, i) => i + 1),
    [2, 4, 4, 1],
  );

  it('sums each block for an integer scale, for every sample (tfjs-backend-cpu offsets later samples wrongly)', () => {
    const gradient = tf.grad((x: tf.Tensor) =>
      tf.image
        .resizeNearestNeighbor(x as tf.Tensor4D, [4, 4])
        .mul(upstream)
        .sum(),
    )(images);
    // Sample 0, pixel (0, 0) gets w[0,0] + w[0,1] + w[1,0] + w[1,1] = 1 + 2 + 5 + 6; sample 1 adds 16 to each.
    expect(Array.from(gradient.dataSync())).toEqual([14, 22, 46, 54, 78, 86, 110, 118]);
  });

  it('runs the kernel per sample for other sizes', () => {
    const gradient = tf.grad((x: tf.Tensor) =>
      tf.image
        .resizeNearestNeighbor(x as tf.Tensor4D, [3, 3])
        .mul(upstream.slice([0, 0, 0, 0], [2, 3, 3, 1]))
        .sum(),
    )(images);
    // 2 -> 3 without corner alignment: output rows/cols 0, 1 read input 0 and 2 reads input 1 (floor(i * 2/3)).
    const sample = (w: (r: number, c: number) => number) => [
      w(0, 0) + w(0, 1) + w(1, 0) + w(1, 1),
      w(0, 2) + w(1, 2),
      w(2, 0) + w(2, 1),
      w(2, 2),
    ];
    const at = (n: number) => (r: number, c: number) => 16 * n + 4 * r + c + 1;
    expect(Array.from(gradient.dataSync())).toEqual([...sample(at(0)), ...sample(at(1))]);
  });
});
