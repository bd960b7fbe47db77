import { readFileSync } from 'node:fs';

import { InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { bicubicResize, bicubicWeights, keysCubic } from './bicubic-resize.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../test-fixtures/bicubic-torch.json', import.meta.url), 'utf8'),
) as { image: number[][][]; down: number[][][]; small: number[][][]; up: number[][][] };

function row(values: number[]): tf.Tensor3D {
  return tf.tensor3d(values, [1, values.length, 1]);
}

describe('keysCubic', () => {
  it('is Keys cubic with a = -0.5 (values worked out by hand)', () => {
    expect(keysCubic(0)).toBe(1);
    expect(keysCubic(0.25)).toBeCloseTo(0.8671875, 12); // 1.5/64 - 2.5/16 + 1
    expect(keysCubic(-0.75)).toBeCloseTo(0.2265625, 12);
    expect(keysCubic(1.25)).toBeCloseTo(-0.0703125, 12); // -0.5*1.953125 + 2.5*1.5625 - 5 + 2
    expect(keysCubic(1.75)).toBeCloseTo(-0.0234375, 12);
    expect(keysCubic(1)).toBe(0);
    expect(keysCubic(2.5)).toBe(0);
  });
});

describe('bicubicResize (MATLAB imresize semantics)', () => {
  it('downscales 1:4 by 0.5 to [1.4609375, 3.5390625], the mirrored antialiased taps worked out by hand', async () => {
    // Output 1 sits at u = 1.5; the kernel is 0.5 * cubic(0.5 * d) over taps -2..5, mirrored at the border:
    // weights 0.546875, 0.3984375, 0.1015625, -0.046875 on samples 1..4 (see bicubicWeights).
    const resized = bicubicResize(row([1, 2, 3, 4]), { scale: 0.5 });
    expect(resized.shape).toEqual([1, 2, 1]);
    const values = Array.from(await resized.data());
    expect(values[0]).toBeCloseTo(1.4609375, 5);
    expect(values[1]).toBeCloseTo(3.5390625, 5);
    resized.dispose();
  });

  it('upscales [1, 2] by 2 to [0.90625, 1.203125, 1.796875, 2.09375] (hand computation)', async () => {
    // Output 1 at u = 0.75: taps -1..2 with weights -0.0234375, 0.2265625, 0.8671875, -0.0703125; tap -1 -> sample 2, 0 -> 1.
    const resized = bicubicResize(row([1, 2]), { scale: 2 });
    const values = Array.from(await resized.data());
    [0.90625, 1.203125, 1.796875, 2.09375].forEach((expected, index) => expect(values[index]).toBeCloseTo(expected, 5));
    resized.dispose();
  });

  it('has weight rows that sum to 1 and keeps a constant image constant', async () => {
    const weights = bicubicWeights(37, 10, 10 / 37);
    for (let out = 0; out < 10; out++) {
      const sum = weights.slice(out * 37, (out + 1) * 37).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
    }
    const constant = tf.fill([13, 17, 3], 42);
    const resized = bicubicResize(constant as tf.Tensor3D, { scale: 0.25 });
    expect(resized.shape).toEqual([4, 5, 3]); // ceil(13 / 4), ceil(17 / 4)
    const values = await resized.data();
    values.forEach((value) => expect(value).toBeCloseTo(42, 3));
    tf.dispose([constant, resized]);
  });

  it('matches PyTorch/PIL antialiased bicubic on interior pixels (fixture, 32x32 -> 8x8 and 8x8 -> 32x32)', async () => {
    const image = tf.tensor3d(fixture.image);
    const down = bicubicResize(image, { scale: 1 / 4 });
    const downValues = (await down.array()) as number[][][];
    // Output i (0-based) samples the kernel over input 4i + 1.5 +- 8: inside [0, 32) for i = 2..5.
    for (let y = 2; y <= 5; y++) {
      for (let x = 2; x <= 5; x++) {
        for (let c = 0; c < 3; c++) expect(downValues[y]![x]![c]).toBeCloseTo(fixture.down[y]![x]![c]!, 2);
      }
    }
    const small = tf.tensor3d(fixture.small);
    const up = bicubicResize(small, { size: [32, 32] });
    const upValues = (await up.array()) as number[][][];
    // Output i samples input (i + 0.5) / 4 - 0.5 +- 2: inside [0, 8) for i = 8..23.
    for (let y = 8; y <= 23; y++) {
      for (let x = 8; x <= 23; x++) {
        for (let c = 0; c < 3; c++) expect(upValues[y]![x]![c]).toBeCloseTo(fixture.up[y]![x]![c]!, 2);
      }
    }
    tf.dispose([image, down, small, up]);
  });

  it('mirrors at borders where PIL renormalises, so border pixels differ from the PIL reference', async () => {
    const image = tf.tensor3d(fixture.image);
    const down = bicubicResize(image, { scale: 1 / 4 });
    const corner = ((await down.array()) as number[][][])[0]![0]![0]!;
    expect(Math.abs(corner - fixture.down[0]![0]![0]!)).toBeGreaterThan(0.01);
    tf.dispose([image, down]);
  });

  it('resizes batches like single images, and antialias: false keeps the narrow kernel', async () => {
    const batch = tf.randomUniform([2, 12, 12, 3], 0, 255, 'float32', 3) as tf.Tensor4D;
    const resized = bicubicResize(batch, { scale: 0.5 });
    const second = bicubicResize(batch.slice([1, 0, 0, 0], [1, -1, -1, -1]).squeeze([0]) as tf.Tensor3D, {
      scale: 0.5,
    });
    const difference = resized.slice([1, 0, 0, 0], [1, -1, -1, -1]).squeeze([0]).sub(second).abs().max();
    expect((await difference.data())[0]).toBeLessThan(1e-3);
    // Without antialiasing the x0.5 kernel spans 4 input samples, not 8.
    const narrow = bicubicWeights(8, 4, 0.5, false);
    expect(Array.from(narrow.slice(8, 16)).filter((w) => w !== 0)).toHaveLength(4);
    tf.dispose([batch, resized, second, difference]);
  });

  it('keeps the tensor count flat and names bad arguments', () => {
    const image = tf.zeros([8, 8, 3]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    bicubicResize(image, { scale: 0.5 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => bicubicResize(image, { scale: 0 })).toThrow(InvalidArgumentError);
    expect(() => bicubicResize(image, { scale: 0 })).toThrow(/options\.scale: expected a positive number.*received 0/);
    expect(() => bicubicResize(image, { scale: 2, size: [4, 4] })).toThrow(/either scale or size/);
    expect(() => bicubicResize(tf.zeros([8]) as never, { scale: 2 })).toThrow(ShapeMismatchError);
    image.dispose();
  });
});
