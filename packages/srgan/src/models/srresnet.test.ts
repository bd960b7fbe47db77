import { InvalidArgumentError, PixelShuffle } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { srresnet, srresnetReceptiveRadius } from './srresnet.js';

function countLayers(model: tf.LayersModel, className: string): number {
  return model.layers.filter((layer) => layer.getClassName() === className).length;
}

describe('srresnet', () => {
  it.each([2, 4, 8] as const)('upscales by %i with log2(scale) sub-pixel stages', (scale) => {
    const model = srresnet({ blocks: 1, scale, filters: 4 });
    const output = model.predict(tf.zeros([2, 5, 7, 3])) as tf.Tensor;
    expect(output.shape).toEqual([2, 5 * scale, 7 * scale, 3]);
    expect(model.layers.filter((layer) => layer instanceof PixelShuffle)).toHaveLength(Math.log2(scale));
    output.dispose();
    model.dispose();
  });

  it('has the layers of SRGAN fig. 4: 9x9 head, B blocks of conv-BN-PReLU-conv-BN, conv-BN, long skip, 9x9 tail', () => {
    const blocks = 3;
    const model = srresnet({ blocks, scale: 4, filters: 8 });
    // head + 2 per block + body + one per x2 stage + tail
    expect(countLayers(model, 'Conv2D')).toBe(1 + 2 * blocks + 1 + 2 + 1);
    expect(countLayers(model, 'BatchNormalization')).toBe(2 * blocks + 1);
    expect(countLayers(model, 'PReLU')).toBe(1 + blocks + 2);
    expect(countLayers(model, 'Add')).toBe(blocks + 1);
    const kernel = (name: string) => (model.getLayer(name) as tf.layers.Layer).getWeights()[0]!.shape;
    expect(kernel('head_conv')).toEqual([9, 9, 3, 8]);
    expect(kernel('block1_conv1')).toEqual([3, 3, 8, 8]);
    expect(kernel('upsample1_conv')).toEqual([3, 3, 8, 32]);
    expect(kernel('tail_conv')).toEqual([9, 9, 8, 3]);
    // One PReLU slope per channel, initialised to 0.25.
    const slope = model.getLayer('head_prelu').getWeights()[0]!;
    expect(slope.shape).toEqual([1, 1, 8]);
    expect(Array.from(slope.dataSync())).toEqual(new Array(8).fill(0.25));
    model.dispose();
  });

  it('is deterministic per seed and round-trips through tfjs layers serialization', async () => {
    const model = srresnet({ blocks: 1, scale: 2, filters: 4, seed: 5 });
    const twin = srresnet({ blocks: 1, scale: 2, filters: 4, seed: 5 });
    const input = tf.randomUniform([1, 6, 6, 3], -1, 1, 'float32', 2);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: {} as never })),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const outputs = [model, twin, loaded].map((m) => m.predict(input) as tf.Tensor);
    const maxDifference = (a: tf.Tensor, b: tf.Tensor) => a.sub(b).abs().max().dataSync()[0]!;
    expect(maxDifference(outputs[0]!, outputs[1]!)).toBe(0);
    expect(maxDifference(outputs[0]!, outputs[2]!)).toBeLessThan(1e-6);
    tf.dispose([input, ...outputs]);
    [model, twin, loaded].forEach((m) => m.dispose());
  });

  it('sees exactly as far as srresnetReceptiveRadius says (perturbing one input pixel)', async () => {
    // blocks 1, x4: 4 (9x9 head) + 2 + 1 + 1 (x2 stage at LR) + 0.5 (x2 stage at 2x) + 1 (9x9 tail at 4x) = 9.5 -> 10
    expect(srresnetReceptiveRadius({ blocks: 1, scale: 4 })).toBe(10);
    expect(srresnetReceptiveRadius({ blocks: 16, scale: 4 })).toBe(40);
    const model = srresnet({ blocks: 1, scale: 4, filters: 4, seed: 1 });
    const side = 25;
    const base = tf.randomUniform([1, side, side, 3], -1, 1, 'float32', 3);
    const bumped = base.add(tf.scatterND([[0, 12, 12, 0]], [1], [1, side, side, 3]));
    const changed = (model.predict(bumped) as tf.Tensor)
      .sub(model.predict(base) as tf.Tensor)
      .abs()
      .max(3)
      .squeeze();
    const mask = (await changed.array()) as number[][];
    const rows = mask.map((line, y) => (line.some((value) => value > 1e-6) ? y : -1)).filter((y) => y >= 0);
    // The bumped LR pixel covers HR rows 48..51; the change reaches 9.5 LR px = 38 HR px beyond them.
    const reach = Math.max(48 - rows[0]!, rows.at(-1)! - 51) / 4;
    expect(reach).toBe(9.5);
    expect(reach).toBeLessThanOrEqual(srresnetReceptiveRadius({ blocks: 1, scale: 4 }));
    tf.dispose([base, bumped, changed]);
    model.dispose();
  });

  it('names bad options', () => {
    expect(() => srresnet({ scale: 3 as never })).toThrow(InvalidArgumentError);
    expect(() => srresnet({ scale: 3 as never })).toThrow(/options\.scale: expected 2, 4 or 8.*received 3/);
    expect(() => srresnet({ blocks: -1 })).toThrow(/options\.blocks: expected an integer in \[0, 256\], received -1/);
    expect(() => srresnet({ filters: 2.5 })).toThrow(/options\.filters/);
  });
});
