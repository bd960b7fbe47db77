import { InvalidArgumentError, ShapeMismatchError, SizeLimitError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { srresnet, srresnetReceptiveRadius } from '../models/srresnet.js';
import { upscale, type UpscaleProgress } from './upscale.js';
import { upscalingModel } from './upscaling-model.js';

/** Whole-image inference, the reference for tiling: pixels 0-255 in, pixels 0-255 out. */
function wholeImage(model: tf.LayersModel, pixels: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() =>
    (model.predict(pixels.div(127.5).sub(1).expandDims(0)) as tf.Tensor4D)
      .squeeze([0])
      .add(1)
      .mul(127.5)
      .clipByValue(0, 255),
  ) as tf.Tensor3D;
}

describe('upscale', () => {
  const blocks = 1;
  const model = srresnet({ blocks, scale: 4, filters: 4, seed: 3 });
  const pixels = tf.randomUniform([21, 30, 3], 0, 255, 'float32', 8) as tf.Tensor3D;

  it('equals whole-image inference within 1e-4 when the padding covers the receptive field', async () => {
    const radius = srresnetReceptiveRadius({ blocks, scale: 4 });
    const expected = wholeImage(model, pixels);
    const progress: UpscaleProgress[] = [];
    const tiled = await upscale(model, pixels, { patchSize: 8, padding: radius, onProgress: (p) => progress.push(p) });
    expect(tiled.shape).toEqual([84, 120, 3]);
    // Pixels are 0-255: 1e-4 of the [-1, 1] range the model computes in is 0.01275 pixel levels.
    expect(tiled.sub(expected).abs().max().dataSync()[0]).toBeLessThan(1e-4 * 127.5);
    expect(progress.map((p) => p.completed)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1)); // 3 x 4 tiles
    expect(progress.at(-1)).toEqual({ completed: 12, total: 12, fraction: 1 });
    tf.dispose([expected, tiled]);
  });

  it('shows seams when the padding is too small (so the test above can fail)', async () => {
    const expected = wholeImage(model, pixels);
    const tiled = await upscale(model, pixels, { patchSize: 8, padding: 2 });
    expect(tiled.sub(expected).abs().max().dataSync()[0]).toBeGreaterThan(0.1);
    tf.dispose([expected, tiled]);
  });

  it('keeps tensor memory flat, stops on abort and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const result = await upscale(model, pixels, { patchSize: 16 });
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const controller = new AbortController();
    const run = upscale(model, pixels, {
      patchSize: 8,
      signal: controller.signal,
      onProgress: ({ completed }) => completed === 2 && controller.abort(),
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('maps pixel ranges for models that read [0, 255] (UpscalerJS convention) and infers the scale', async () => {
    const input = tf.input({ shape: [null, null, 3] });
    const nearest = tf.model({
      inputs: input,
      outputs: tf.layers.upSampling2d({ size: [2, 2] }).apply(input) as tf.SymbolicTensor,
    });
    const small = tf.tensor3d([0, 50, 100, 150, 200, 255], [1, 2, 3]);
    const result = await upscale(upscalingModel(nearest, { inputRange: [0, 255], outputRange: [0, 255] }), small, {
      patchSize: 1,
      padding: 0,
    });
    expect(result.shape).toEqual([2, 4, 3]);
    expect(Array.from(result.dataSync().slice(0, 6))).toEqual([0, 50, 100, 0, 50, 100]);
    tf.dispose([small, result]);
    nearest.dispose();
  });

  // The fault: a 4,096 x 4,096 photo at x4 (a 268-megapixel output) ran tfjs-backend-wasm out of memory
  // ("memory access out of bounds", a stack trace) after minutes; the output size is now checked first.
  it('refuses an output above maxOutputPixels before allocating it: before the first tile when the scale is known', async () => {
    const input = tf.input({ shape: [null, null, 3] });
    const nearest = tf.model({
      inputs: input,
      outputs: tf.layers.upSampling2d({ size: [2, 2] }).apply(input) as tf.SymbolicTensor,
    });
    let predictions = 0;
    const counted = Object.assign(Object.create(nearest) as tf.LayersModel, {
      predict: (x: tf.Tensor) => (predictions++, nearest.predict(x)),
    });
    const image = tf.zeros([50, 40, 3]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    // Output 80 x 100 = 8,000 pixels (hand count) against a limit of 7,999.
    const known = upscalingModel(counted, { scale: 2, inputRange: [0, 255], outputRange: [0, 255] });
    const run = upscale(known, image, { maxOutputPixels: 7_999 });
    await expect(run).rejects.toThrow(SizeLimitError);
    await expect(upscale(known, image, { maxOutputPixels: 7_999 })).rejects.toThrow(
      /^the upscaled image \(80 x 100: 40 x 50 at x2\): expected at most 7,999 pixels, received 8,000 pixels\. .*options\.maxOutputPixels\.$/,
    );
    expect(predictions).toBe(0);
    // Scale unknown: inferred from the first tile, then refused before the output buffer exists.
    const inferred = upscalingModel(counted, { inputRange: [0, 255], outputRange: [0, 255] });
    await expect(upscale(inferred, image, { maxOutputPixels: 7_999, patchSize: 16 })).rejects.toThrow(SizeLimitError);
    expect(predictions).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    const exact = await upscale(known, image, { maxOutputPixels: 8_000 });
    expect(exact.shape).toEqual([100, 80, 3]);
    tf.dispose([image, exact]);
    nearest.dispose();
  });

  it('names bad arguments', async () => {
    await expect(upscale(model, pixels, { patchSize: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(upscale(model, pixels, { patchSize: 0 })).rejects.toThrow(/options\.patchSize: expected an integer/);
    await expect(upscale(model, tf.zeros([2, 4, 4, 3]) as tf.Tensor4D)).rejects.toThrow(
      /image: expected shape \[height, width, 3\] or \[1, height, width, 3\] \(RGB\), received \[2, 4, 4, 3\]/,
    );
  });

  // The fault: an RGBA (or grey) image reached the model and failed with a raw tfjs shape error.
  it.each([
    [[6, 5, 4], /Split off the alpha channel/],
    [[1, 6, 5, 4], /Split off the alpha channel/],
    [[6, 5, 2], /Split off the alpha channel/],
    [[6, 5, 1], /Repeat a grey image over three channels/],
  ])('refuses a %j image with a ShapeMismatchError naming image and 3 channels', async (shape, advice) => {
    const image = tf.zeros<tf.Rank>(shape) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const run = upscale(model, image);
    await expect(run).rejects.toThrow(ShapeMismatchError);
    await expect(upscale(model, image)).rejects.toThrow(
      new RegExp(
        `^image: expected shape \\[height, width, 3\\] or \\[1, height, width, 3\\] \\(RGB\\), received \\[${shape.join(', ')}\\]`,
      ),
    );
    await expect(upscale(model, image)).rejects.toThrow(advice);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });

  it('expects the channels the model reads (a grey model takes 1 channel)', async () => {
    const grey = tf.sequential({ layers: [tf.layers.upSampling2d({ size: [2, 2], inputShape: [null, null, 1] })] });
    const out = await upscale(grey, tf.fill([3, 2, 1], 255) as tf.Tensor3D);
    expect(out.shape).toEqual([6, 4, 1]);
    out.dispose();
    await expect(upscale(grey, tf.zeros([3, 2, 3]) as tf.Tensor3D)).rejects.toThrow(
      /^image: expected shape \[height, width, 1\] or \[1, height, width, 1\] \(grey\), received \[3, 2, 3\]/,
    );
    grey.dispose();
  });
});
