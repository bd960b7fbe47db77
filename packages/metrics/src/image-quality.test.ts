import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

import { psnr } from './psnr.js';
import { ssim } from './ssim.js';

// The pixels of packages/metrics/scripts/image_quality_reference.py, rebuilt from the same integer
// formulas: two 24x20 RGB images and a noisy copy of each.
const count = 2;
const height = 24;
const width = 20;
const imageA = (n: number, i: number, j: number, c: number) =>
  (9 * i + 5 * j + 20 * c + 30 * n + Math.floor((i * j) / 7)) % 256;
const imageB = (n: number, i: number, j: number, c: number) =>
  Math.min(255, Math.max(0, imageA(n, i, j, c) + 2 * ((i * 13 + j * 7 + c * 3 + n * 5) % 41) - 40));

function pixels(formula: typeof imageA, channels = 3): tf.Tensor4D {
  const values: number[] = [];
  for (let n = 0; n < count; n++)
    for (let i = 0; i < height; i++)
      for (let j = 0; j < width; j++) for (let c = 0; c < channels; c++) values.push(formula(n, i, j, c));
  return tf.tensor4d(values, [count, height, width, channels]);
}

// Printed by `/usr/bin/python3 packages/metrics/scripts/image_quality_reference.py` (scikit-image 0.19.3:
// peak_signal_noise_ratio and structural_similarity with gaussian_weights, sigma 1.5,
// use_sample_covariance=False, data_range 255; Y from skimage.color.rgb2ycbcr), border crop 4.
const reference = {
  y: { psnr: [23.6990108526, 23.7702264421], ssim: [0.6281901603, 0.7736557118] },
  'y-full-range': { psnr: [22.3770895408, 22.4483051302], ssim: [0.6213933102, 0.7699940704] },
  rgb: { psnr: [20.9774161093, 21.2069249759], ssim: [0.6318760938, 0.7838573842] },
  // first channel as a greyscale image, no crop
  grey: { psnr: [20.9665441218, 21.0105533646], ssim: [0.6368181692, 0.712187938] },
} as const;

async function withoutLeaks<T>(fn: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe('psnr and ssim match scikit-image under the SR convention', () => {
  for (const channel of ['y', 'y-full-range', 'rgb'] as const) {
    it(`channel '${channel}', border crop 4, batch of 2`, async () => {
      const a = pixels(imageA);
      const b = pixels(imageB);
      const options = { channel, cropBorder: 4, inputRange: [0, 255] as const };
      const p = await withoutLeaks(() => psnr(a, b, options));
      const s = await withoutLeaks(() => ssim(a, b, options));
      p.values.forEach((value, k) => expect(value).toBeCloseTo(reference[channel].psnr[k]!, 8));
      s.values.forEach((value, k) => expect(value).toBeCloseTo(reference[channel].ssim[k]!, 8));
      expect(p.mean).toBeCloseTo((reference[channel].psnr[0] + reference[channel].psnr[1]) / 2, 8);
      expect(s.mean).toBeCloseTo((reference[channel].ssim[0] + reference[channel].ssim[1]) / 2, 8);
      tf.dispose([a, b]);
    });
  }

  it('greyscale images are compared as they are', async () => {
    const a = pixels(imageA, 1);
    const b = pixels(imageB, 1);
    const p = await withoutLeaks(() => psnr(a, b, { inputRange: [0, 255] }));
    const s = await withoutLeaks(() => ssim(a, b, { inputRange: [0, 255] }));
    p.values.forEach((value, k) => expect(value).toBeCloseTo(reference.grey.psnr[k]!, 8));
    s.values.forEach((value, k) => expect(value).toBeCloseTo(reference.grey.ssim[k]!, 8));
    tf.dispose([a, b]);
  });

  it('defaults: Y channel, images in [-1, 1] quantized back to the same 8-bit values', async () => {
    const a = tf.tidy(() => pixels(imageA).div(127.5).sub(1));
    const b = tf.tidy(() => pixels(imageB).div(127.5).sub(1));
    const p = await psnr(a, b, { cropBorder: 4 });
    const s = await ssim(a, b, { cropBorder: 4 });
    p.values.forEach((value, k) => expect(value).toBeCloseTo(reference.y.psnr[k]!, 8));
    s.values.forEach((value, k) => expect(value).toBeCloseTo(reference.y.ssim[k]!, 8));
    tf.dispose([a, b]);
  });

  it('a single image [h, w, c] gives one value', async () => {
    const a = tf.tidy(() => pixels(imageA).slice([1], [1]).squeeze([0]));
    const b = tf.tidy(() => pixels(imageB).slice([1], [1]).squeeze([0]));
    const p = await psnr(a, b, { cropBorder: 4, inputRange: [0, 255] });
    expect(p.values).toHaveLength(1);
    expect(p.values[0]).toBeCloseTo(reference.y.psnr[1], 8);
    tf.dispose([a, b]);
  });
});

describe('psnr and ssim by hand', () => {
  const constant = (value: number, side = 16) => tf.fill([1, side, side, 1], value);

  it('PSNR of a constant difference d is 20 log10(255 / d); identical images give Infinity', async () => {
    const a = constant(0);
    const b = constant(5);
    expect((await psnr(a, b, { inputRange: [0, 255] })).values[0]).toBeCloseTo(20 * Math.log10(255 / 5), 10);
    expect((await psnr(a, a, { inputRange: [0, 255] })).values[0]).toBe(Infinity);
    tf.dispose([a, b]);
  });

  it('SSIM of constant images a, b is (2ab + C1) / (a^2 + b^2 + C1); of identical images 1', async () => {
    const a = constant(100);
    const b = constant(120);
    const c1 = (0.01 * 255) ** 2;
    const expected = (2 * 100 * 120 + c1) / (100 ** 2 + 120 ** 2 + c1);
    expect((await ssim(a, b, { inputRange: [0, 255] })).values[0]).toBeCloseTo(expected, 12);
    const textured = tf.tidy(() => tf.randomUniform([1, 16, 16, 3], 0, 255, 'float32', 3));
    expect((await ssim(textured, textured, { inputRange: [0, 255] })).values[0]).toBeCloseTo(1, 12);
    tf.dispose([a, b, textured]);
  });

  it('quantize rounds to 8 bits first (10.4 and 10 are equal); without it they differ by 0.4', async () => {
    const a = constant(10.4);
    const b = constant(10);
    expect((await psnr(a, b, { inputRange: [0, 255] })).values[0]).toBe(Infinity);
    const raw = await psnr(a, b, { inputRange: [0, 255], quantize: false, channel: 'rgb' });
    expect(raw.values[0]).toBeCloseTo(20 * Math.log10(255 / 0.4), 4);
    tf.dispose([a, b]);
  });
});

describe('psnr and ssim refuse unit-range images under the default [-1, 1]', () => {
  // Two constant images at 0.5 and 0.25: in [0, 1] they are pixels 127.5 -> 128 and 63.75 -> 64
  // (rounded half to even), a difference of 64; read as [-1, 1] they would be 191 and 159, a
  // difference of 32: PSNR 20 log10(255 / 32), 20 log10(2) = 6.02 dB too high.
  const a = () => tf.fill([1, 16, 16, 1], 0.5);
  const b = () => tf.fill([1, 16, 16, 1], 0.25);

  it('refuses them and says which range to pass', async () => {
    const [x, y] = [a(), b()];
    for (const metric of [psnr, ssim]) {
      await expect(metric(x, y)).rejects.toThrow(InvalidArgumentError);
      await expect(metric(x, y)).rejects.toThrow(
        /^options.inputRange: expected the range given explicitly when every value of a lies in \[0, 1\] .* received none \(the default \[-1, 1\]\)\. Pass \{ inputRange: \[0, 1\] \}/,
      );
    }
    // A unit-range output that undershoots 0 a little, against unit-range ground truth: b names it.
    const undershoot = tf.tidy(() => x.sub(tf.oneHot([0], 256).reshape([1, 16, 16, 1]).mul(0.52)));
    await expect(psnr(undershoot, y)).rejects.toThrow(/^options.inputRange: .* every value of b lies in \[0, 1\]/);
    tf.dispose([x, y, undershoot]);
  });

  it('measures them with the range given: PSNR of a difference of 64 is 20 log10(255 / 64)', async () => {
    const [x, y] = [a(), b()];
    expect((await psnr(x, y, { inputRange: [0, 1] })).values[0]).toBeCloseTo(20 * Math.log10(255 / 64), 10);
    // Said explicitly, [-1, 1] is taken at its word (bright [-1, 1] images exist).
    expect((await psnr(x, y, { inputRange: [-1, 1] })).values[0]).toBeCloseTo(20 * Math.log10(255 / 32), 10);
    tf.dispose([x, y]);
  });

  it('still measures [-1, 1] images under the default when both have values below 0', async () => {
    // Rows 0-7 at 0.5 and -0.5, then the same shifted by -0.25: pixels 191 vs 159 and 64 vs 32
    // (x -> (x + 1) 127.5, rounded half to even), a difference of 32 everywhere.
    const x = tf.tidy(() => tf.concat([tf.fill([1, 8, 16, 1], 0.5), tf.fill([1, 8, 16, 1], -0.5)], 1));
    const y = tf.tidy(() => x.sub(0.25));
    expect((await psnr(x, y)).values[0]).toBeCloseTo(20 * Math.log10(255 / 32), 10);
    tf.dispose([x, y]);
  });
});

describe('psnr and ssim reject bad input', () => {
  it('names the argument, the expected and the received value', async () => {
    const image = tf.zeros([1, 16, 16, 3]);
    const other = tf.zeros([1, 16, 12, 3]);
    const twoChannels = tf.zeros([1, 16, 16, 2]);
    const pixels255 = tf.fill([1, 16, 16, 3], 200);
    await expect(psnr(image, other)).rejects.toThrow(ShapeMismatchError);
    await expect(psnr(image, other)).rejects.toThrow(
      /^b: expected shape \[1, 16, 16, 3\] \(the shape of a\), received \[1, 16, 12, 3\]/,
    );
    await expect(ssim(twoChannels, twoChannels)).rejects.toThrow(/^a: expected shape \[height, width, 1 \| 3\]/);
    await expect(psnr(pixels255, image)).rejects.toThrow(
      /^a: expected values in options.inputRange \[-1, 1\], received 200 at flat index 0\. Set options.inputRange/,
    );
    await expect(ssim(image, image, { cropBorder: 3 })).rejects.toThrow(
      /^options.cropBorder: expected a border that leaves at least 11x11 pixels, received 3, which leaves 10x10/,
    );
    const tiny = tf.fill([1, 8, 12, 1], -0.5);
    await expect(ssim(tiny, tiny)).rejects.toThrow(ShapeMismatchError);
    await expect(ssim(tiny, tiny)).rejects.toThrow(
      /^a: expected shape \[batch, height >= 11, width >= 11, channels\], received \[1, 8, 12, 1\]\. SSIM compares 11x11 windows/,
    );
    tiny.dispose();
    await expect(psnr(image, image, { channel: 'lab' as never })).rejects.toThrow(InvalidArgumentError);
    await expect(psnr(image, image, { inputRange: [1, -1] })).rejects.toThrow(
      /^options.inputRange: expected \[min, max\]/,
    );
    await expect(psnr([1, 2] as never, image)).rejects.toThrow(
      /^a: expected a tf.Tensor, received an array of length 2/,
    );
    const withNaN = tf.tensor4d([NaN], [1, 1, 1, 1]);
    await expect(psnr(withNaN, withNaN)).rejects.toThrow(/received NaN at flat index 0/);
    tf.dispose([image, other, twoChannels, pixels255, withNaN]);
  });
});
