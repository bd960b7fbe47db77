import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

import { openCvCases, type OpenCvTensor } from './opencv-fixtures.js';
import { maxPyramidLevels, pyramidLevelSizes, TooManyPyramidLevelsError } from './pyramid-levels.js';
import { buildGaussianPyramid, buildLaplacianPyramid, reconstructLaplacianPyramid } from './pyramids.js';
import { pyrDown } from './pyr-down.js';
import { pyrUp } from './pyr-up.js';
import { reflect101Index } from './reflect-101.js';

function maxAbsError(actual: tf.Tensor, expected: OpenCvTensor): number {
  expect(actual.shape).toEqual([1, ...expected.shape]);
  const values = actual.dataSync();
  return Math.max(...expected.values.map((value, index) => Math.abs(values[index]! - value)));
}

function input(shape: readonly number[], values: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(values as number[], [1, shape[0]!, shape[1]!, shape[2]!]);
}

describe('pyrDown / pyrUp against OpenCV', () => {
  // Reference values: cv2.pyrDown / cv2.pyrUp of OpenCV 4.6.0, computed once by
  // packages/laplacian/scripts/opencv-pyramid-fixtures.py (see the header of opencv-fixtures.ts).
  for (const reference of openCvCases.filter((entry) => entry.pyrDown)) {
    it(`pyrDown matches cv2.pyrDown on ${reference.name}`, () => {
      const x = input(reference.shape, reference.input);
      const down = pyrDown(x);
      expect(maxAbsError(down, reference.pyrDown!)).toBeLessThan(1e-6);
      tf.dispose([x, down]);
    });
  }
  for (const reference of openCvCases.filter((entry) => entry.pyrUp)) {
    it(`pyrUp matches cv2.pyrUp(dstsize) on ${reference.name}`, () => {
      const x = input(reference.shape, reference.input);
      for (const expected of reference.pyrUp!) {
        const [height, width] = expected.size as [number, number];
        const up = pyrUp(x, [height, width]);
        expect(maxAbsError(up, expected), `size ${height}x${width}`).toBeLessThan(1e-6);
        up.dispose();
      }
      x.dispose();
    });
  }
  for (const reference of openCvCases.filter((entry) => entry.laplacian)) {
    it(`buildLaplacianPyramid matches OpenCV's pyrDown/pyrUp composition on ${reference.name}`, () => {
      const x = input(reference.shape, reference.input);
      const pyramid = buildLaplacianPyramid(x, reference.laplacian!.length);
      pyramid.forEach((level, index) => expect(maxAbsError(level, reference.laplacian![index]!)).toBeLessThan(1e-6));
      tf.dispose([x, ...pyramid]);
    });
  }
});

describe('pyrDown / pyrUp by hand', () => {
  it('pyrDown of a 1-D impulse is the kernel at every other tap (reflect-101 at the edges)', () => {
    // Row [0 0 16 0 0 0] (one image row): filtered, it is [1 4 6 4 1] centred on index 2, and index 0
    // also sees the impulse mirrored to -2: [2 4 6 4 1 0]. Every other index from 0: [2, 6, 1].
    const x = tf.tensor4d([0, 0, 16, 0, 0, 0], [1, 1, 6, 1]);
    expect(Array.from(pyrDown(x).dataSync())).toEqual([2, 6, 1]);
    // Impulse at the left edge: reflect-101 mirrors index 1 and 2 into -1 and -2, not index 0.
    const edge = tf.tensor4d([16, 0, 0, 0, 0], [1, 1, 5, 1]);
    // Filtered: index 0 = 6, index 1 = 4, index 2 = 1, rest 0 -> kept 0, 2, 4: [6, 1, 0].
    expect(Array.from(pyrDown(edge).dataSync())).toEqual([6, 1, 0]);
  });

  it('pyrUp of a row [a b] is [(6a + 2b)/8, (a + b)/2, (a + 7b)/8, b] (reflect-101 on the doubled row)', () => {
    const x = tf.tensor4d([8, 16], [1, 1, 2, 1]);
    // Height 1 -> 2 rows, each the same.
    expect(Array.from(pyrUp(x).dataSync())).toEqual([10, 12, 15, 16, 10, 12, 15, 16]);
  });

  it('keeps constant images constant at every size, channel count and border', () => {
    for (const [height, width, channels] of [
      [1, 1, 1],
      [2, 5, 4],
      [7, 3, 2],
      [9, 9, 3],
    ] as const) {
      const x = tf.fill([2, height, width, channels], 0.25) as tf.Tensor4D;
      const down = pyrDown(x);
      const up = pyrUp(x, [2 * height - 1, 2 * width + 1]);
      expect(down.shape).toEqual([2, Math.ceil(height / 2), Math.ceil(width / 2), channels]);
      expect(up.shape).toEqual([2, 2 * height - 1, 2 * width + 1, channels]);
      for (const tensor of [down, up]) for (const value of tensor.dataSync()) expect(value).toBeCloseTo(0.25, 6);
      tf.dispose([x, down, up]);
    }
  });

  it('treats every image of a batch and every channel on its own', () => {
    const a = tf.randomUniform([1, 9, 7, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
    const b = tf.randomUniform([1, 9, 7, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
    const batch = tf.concat([tf.concat([a, b], 3), tf.concat([b, a], 3)]) as tf.Tensor4D; // [2, 9, 7, 2]
    const down = pyrDown(batch);
    const downA = pyrDown(a);
    const downB = pyrDown(b);
    const expected = tf.concat([tf.concat([downA, downB], 3), tf.concat([downB, downA], 3)]);
    expect(tf.max(tf.abs(tf.sub(down, expected))).dataSync()[0]).toBe(0);
    tf.dispose([a, b, batch, down, downA, downB, expected]);
  });

  it('reflect101Index mirrors without repeating the edge, as often as needed', () => {
    expect([-2, -1, 0, 4, 5, 6].map((i) => reflect101Index(i, 5))).toEqual([2, 1, 0, 4, 3, 2]);
    expect([-2, -1, 2, 3].map((i) => reflect101Index(i, 2))).toEqual([0, 1, 0, 1]);
    expect(reflect101Index(-2, 1)).toBe(0);
  });
});

describe('gradients', () => {
  // pyrDown and pyrUp are linear, so the gradient of sum(f(x) * w) is the transpose of f applied
  // to w: check it against central finite differences of that sum, element by element.
  for (const [name, f] of [
    ['pyrDown', (x: tf.Tensor4D) => pyrDown(x)],
    ['pyrUp (odd size)', (x: tf.Tensor4D) => pyrUp(x, [7, 9])],
  ] as const) {
    it(`${name} has the gradient of its linear map`, () => {
      const x = tf.randomUniform([1, 4, 5, 2], -1, 1, 'float32', 3) as tf.Tensor4D;
      const outputShape = f(x).shape;
      const weights = tf.randomUniform(outputShape, -1, 1, 'float32', 4);
      const objective = (input: tf.Tensor4D) => tf.sum(tf.mul(f(input), weights)) as tf.Scalar;
      const gradient = tf
        .grad((input) => objective(input as tf.Tensor4D))(x)
        .dataSync();
      const base = x.dataSync();
      const epsilon = 1e-2;
      for (let index = 0; index < base.length; index++) {
        const shifted = (delta: number) => {
          const values = Float32Array.from(base);
          values[index]! += delta;
          return tf.tidy(() => objective(tf.tensor4d(values, x.shape)).dataSync()[0]!);
        };
        const numeric = (shifted(epsilon) - shifted(-epsilon)) / (2 * epsilon);
        expect(gradient[index]).toBeCloseTo(numeric, 3);
      }
      tf.dispose([x, weights]);
    });
  }
});

describe('Gaussian and Laplacian pyramids', () => {
  for (const [height, width, channels, levels] of [
    [28, 28, 1, 3],
    [32, 32, 3, 4],
    [27, 13, 3, 4],
    [9, 11, 2, 5],
  ] as const) {
    it(`reconstructs a ${height}x${width}x${channels} batch from ${levels} levels within 1e-5`, () => {
      const x = tf.randomUniform([3, height, width, channels], -1, 1, 'float32', height) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const pyramid = buildLaplacianPyramid(x, levels);
      expect(pyramid.map((level) => level.shape.slice(1, 3))).toEqual(pyramidLevelSizes(height, width, levels));
      const again = reconstructLaplacianPyramid(pyramid);
      const error = tf.tidy(() => tf.max(tf.abs(tf.sub(again, x))).dataSync()[0]!);
      expect(error).toBeLessThanOrEqual(1e-5);
      tf.dispose([again, ...pyramid]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });
  }

  it('Gaussian levels are repeated pyrDown, and the Laplacian coarsest level is the Gaussian one', () => {
    const x = tf.randomUniform([2, 13, 10, 1], -1, 1, 'float32', 9) as tf.Tensor4D;
    const gaussian = buildGaussianPyramid(x, 3);
    const laplacian = buildLaplacianPyramid(x, 3);
    const twice = pyrDown(pyrDown(x));
    expect(gaussian.map((level) => level.shape)).toEqual([
      [2, 13, 10, 1],
      [2, 7, 5, 1],
      [2, 4, 3, 1],
    ]);
    expect(tf.max(tf.abs(tf.sub(gaussian[2]!, twice))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(laplacian[2]!, twice))).dataSync()[0]).toBe(0);
    // The first Gaussian level is a copy: disposing it leaves the caller's tensor intact.
    gaussian[0]!.dispose();
    expect(x.isDisposed).toBe(false);
    tf.dispose([x, twice, ...gaussian, ...laplacian]);
  });

  it('allows levels down to 1x1 and a one-level pyramid', () => {
    expect(maxPyramidLevels(28, 28)).toBe(6);
    expect(pyramidLevelSizes(28, 28, 6)).toEqual([
      [28, 28],
      [14, 14],
      [7, 7],
      [4, 4],
      [2, 2],
      [1, 1],
    ]);
    const x = tf.randomUniform([1, 28, 28, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
    const [only] = buildLaplacianPyramid(x, 1);
    expect(tf.max(tf.abs(tf.sub(only!, x))).dataSync()[0]).toBe(0);
    const deepest = buildLaplacianPyramid(x, 6);
    const again = reconstructLaplacianPyramid(deepest);
    expect(tf.max(tf.abs(tf.sub(again, x))).dataSync()[0]).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, only!, again, ...deepest]);
  });
});

describe('errors', () => {
  const x = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;

  it('too many levels names the limit and the level sizes', () => {
    const attempt = () => buildLaplacianPyramid(x, 7);
    expect(attempt).toThrow(TooManyPyramidLevelsError);
    expect(attempt).toThrow(InvalidArgumentError);
    expect(attempt).toThrow(
      'levels: expected at most 6 levels for a 28x28 image (28x28 -> 14x14 -> 7x7 -> 4x4 -> 2x2 -> 1x1), received 7.',
    );
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', levels: 7, maxLevels: 6 });
    }
    expect(() => buildGaussianPyramid(x, 0)).toThrow('levels: expected an integer >= 1, received 0.');
  });

  it('non-4D input, integer input and non-tensors', () => {
    const image = tf.zeros([28, 28, 1]) as unknown as tf.Tensor4D;
    expect(() => pyrDown(image)).toThrow(ShapeMismatchError);
    expect(() => pyrDown(image)).toThrow(
      'x: expected shape [batch, height >= 1, width >= 1, channels >= 1] (NHWC), received [28, 28, 1]. For one image, add a batch axis with x.expandDims(0).',
    );
    const integers = tf.zeros([1, 4, 4, 1], 'int32') as tf.Tensor4D;
    expect(() => pyrUp(integers)).toThrow(
      'x.dtype: expected \'float32\' (pyramids hold fractional values), received "int32".',
    );
    expect(() => pyrDown([1, 2, 3] as unknown as tf.Tensor4D)).toThrow('x: expected a tf.Tensor, received an array');
    tf.dispose([image, integers]);
  });

  it('pyrUp sizes must be about twice the input', () => {
    expect(() => pyrUp(x, [58, 56])).toThrow(
      "size[0] (height): expected 55, 56 or 57 (about twice the input's 28), received 58.",
    );
    expect(() => pyrUp(x, [56, 54])).toThrow(
      "size[1] (width): expected 55, 56 or 57 (about twice the input's 28), received 54.",
    );
    expect(() => pyrUp(x, [56] as unknown as [number, number])).toThrow('size: expected [height, width]');
  });

  it('reconstruction checks that levels halve, finest first', () => {
    const pyramid = buildLaplacianPyramid(x, 3);
    expect(() => reconstructLaplacianPyramid([...pyramid].reverse())).toThrow(
      'pyramid[1]: expected shape [1, 4, 4, 1] (half of pyramid[0], rounded up), received [1, 14, 14, 1].',
    );
    expect(() => reconstructLaplacianPyramid([])).toThrow('pyramid: expected a non-empty array');
    tf.dispose(pyramid);
  });

  it('leaves no tensors behind when it throws', () => {
    const before = tf.memory().numTensors;
    expect(() => pyrUp(x, [1, 1])).toThrow();
    expect(() => buildLaplacianPyramid(x, 9)).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
