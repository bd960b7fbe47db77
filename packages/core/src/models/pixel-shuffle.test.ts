import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { PixelShuffle, pixelShuffle } from './pixel-shuffle.js';
import { registerGanForgeLayers } from './register-layers.js';

registerGanForgeLayers();

describe('PixelShuffle', () => {
  it('matches tf.depthToSpace (the independent tfjs kernel) on NHWC input', () => {
    for (const [scale, channels] of [
      [2, 1],
      [2, 3],
      [3, 2],
      [4, 3],
    ] as const) {
      const input = tf.randomNormal(
        [2, 3, 5, channels * scale * scale],
        0,
        1,
        'float32',
        scale * 10 + channels,
      ) as tf.Tensor4D;
      const ours = pixelShuffle(input, scale);
      const reference = tf.depthToSpace(input, scale, 'NHWC');
      expect(ours.shape).toEqual(reference.shape);
      expect(tf.max(tf.abs(ours.sub(reference))).dataSync()[0]).toBe(0);
    }
  });

  it('follows the DCR layout by hand: out[h*r+dy, w*r+dx, c] = in[h, w, (dy*r+dx)*C + c]', () => {
    // One pixel, r = 2, C = 1: channels [a, b, c, d] become the 2x2 block [[a, b], [c, d]].
    const out = pixelShuffle(tf.tensor4d([1, 2, 3, 4], [1, 1, 1, 4]), 2);
    expect(Array.from(out.dataSync())).toEqual([1, 2, 3, 4]);
    expect(out.shape).toEqual([1, 2, 2, 1]);
  });

  it('has a gradient: it is a permutation, so the gradient of sum(out * g) is g permuted back', () => {
    const [height, width, scale, channels] = [2, 3, 2, 2];
    const input = tf.randomNormal([1, height, width, channels * scale * scale], 0, 1, 'float32', 5) as tf.Tensor4D;
    const upstream = tf.randomNormal([1, height * scale, width * scale, channels], 0, 1, 'float32', 6);
    const gradient = tf
      .grad((x: tf.Tensor) =>
        pixelShuffle(x as tf.Tensor4D, scale)
          .mul(upstream)
          .sum(),
      )(input)
      .dataSync();
    // d/d in[h, w, (dy*r+dx)*C + c] = g[h*r+dy, w*r+dx, c], by the DCR formula above.
    const g = upstream.dataSync();
    const expected: number[] = [];
    for (let h = 0; h < height; h++)
      for (let w = 0; w < width; w++)
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++)
            for (let c = 0; c < channels; c++)
              expected.push(g[((h * scale + dy) * width * scale + (w * scale + dx)) * channels + c]!);
    expect(Array.from(gradient)).toEqual(expected);
  });

  it('serializes and loads back through tf.loadLayersModel', async () => {
    const input = tf.input({ shape: [4, 4, 12] });
    const output = new PixelShuffle({ scale: 2 }).apply(input) as tf.SymbolicTensor;
    expect(output.shape).toEqual([null, 8, 8, 3]);
    const model = tf.model({ inputs: input, outputs: output });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(
        async (artifacts) => (
          (saved = artifacts),
          { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
        ),
      ),
    );
    expect(JSON.stringify(saved!.modelTopology)).toContain('GanForgePixelShuffle');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const x = tf.randomNormal([1, 4, 4, 12]);
    const difference = tf.abs((loaded.predict(x) as tf.Tensor).sub(model.predict(x) as tf.Tensor)).max();
    expect(difference.dataSync()[0]).toBe(0);
  });

  it('rejects channels that are not a multiple of scale^2, naming the argument', () => {
    expect(() => new PixelShuffle({ scale: 2 }).apply(tf.input({ shape: [4, 4, 6] }))).toThrow(
      /PixelShuffle input channels: expected a multiple of scale\^2 = 4, received 6/,
    );
    expect(() => new PixelShuffle({ scale: 0 })).toThrow(
      /PixelShuffle scale: expected an integer in \[1, 64\], received 0/,
    );
  });
});
