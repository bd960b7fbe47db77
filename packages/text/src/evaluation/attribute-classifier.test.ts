import { useBackend } from '@ganforge/backend-node';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';

import {
  attributeAccuracy,
  attributeClassifier,
  predictAttributes,
  trainAttributeClassifier,
} from './attribute-classifier.js';

/** A two-head model whose predictions are known: head A says 1 when pixel 0 > 0, head B when pixel 1 > 0. */
function signModel(): tf.LayersModel {
  const input = tf.input({ shape: [1, 2, 1] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const a = tf.layers.dense({ units: 2, name: 'a' }).apply(flat) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 2, name: 'b' }).apply(flat) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [a, b] });
  model.getLayer('a').setWeights([
    tf.tensor2d([
      [-1, 1],
      [0, 0],
    ]),
    tf.zeros([2]),
  ]);
  model.getLayer('b').setWeights([
    tf.tensor2d([
      [0, 0],
      [-1, 1],
    ]),
    tf.zeros([2]),
  ]);
  return model;
}

const attributes = [
  { name: 'a', values: 2 },
  { name: 'b', values: 2 },
];

describe('attribute classifier and accuracy', () => {
  beforeAll(async () => {
    await useBackend({ backend: 'wasm', log: false });
  });

  it('counts per attribute, all attributes and a chosen joint subset (hand-checked)', async () => {
    const model = signModel();
    // Pixels -> predictions (a, b): (+,+) -> (1,1); (+,-) -> (1,0); (-,+) -> (0,1); (-,-) -> (0,0).
    const images = tf.tensor4d([1, 1, 1, -1, -1, 1, -1, -1], [4, 1, 2, 1]);
    expect((await predictAttributes(model, attributes, images)).map((p) => Array.from(p))).toEqual([
      [1, 1, 0, 0],
      [1, 0, 1, 0],
    ]);
    // Expected a = [1, 1, 1, 0] (3 of 4 right), b = [1, 1, 1, 0] (pictures 0, 2, 3 right: 3 of 4).
    const accuracy = await attributeAccuracy(model, attributes, images, { a: [1, 1, 1, 0], b: [1, 1, 1, 0] }, ['a']);
    expect(accuracy.perAttribute).toEqual({ a: 0.75, b: 0.75 });
    expect(accuracy.all).toBe(0.5); // pictures 0 and 3
    expect(accuracy.joint).toBe(0.75);
    await expect(attributeAccuracy(model, attributes, images, { a: [1], b: [1, 1, 1, 0] })).rejects.toThrow(
      /expected.a: expected shape \[4\] \(one label per picture\), received \[1\]/,
    );
    tf.dispose(images);
    model.dispose();
  });

  it('trains to recognise two attributes of small pictures', async () => {
    // Attribute 'bright': mean level above zero; attribute 'left': the left half is brighter than the right.
    const count = 64;
    const images: number[] = [];
    const bright: number[] = [];
    const left: number[] = [];
    for (let i = 0; i < count; i++) {
      const [b, l] = [i % 2, Math.floor(i / 2) % 2];
      bright.push(b);
      left.push(l);
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++)
          images.push((b ? 0.3 : -0.3) + (x < 4 === (l === 1) ? 0.5 : -0.5) + ((i * 7 + x * 3 + y) % 5) * 0.02);
    }
    const pictures = tf.tensor4d(images, [count, 8, 8, 1]);
    const spec = [
      { name: 'bright', values: 2 },
      { name: 'left', values: 2 },
    ];
    const model = attributeClassifier({ size: 8, channels: 1, attributes: spec, filters: 4, seed: 1 });
    const loss = await trainAttributeClassifier({
      model,
      attributes: spec,
      images: pictures,
      labels: { bright, left },
      steps: 60,
      batchSize: 16,
      learningRate: 1e-2,
    });
    expect(loss).toBeLessThan(0.2);
    const accuracy = await attributeAccuracy(model, spec, pictures, { bright, left });
    expect(accuracy.all).toBe(1);
    tf.dispose(pictures);
    model.dispose();
  });
});

describe('trainAttributeClassifier under GANFORGE_MAX_STEPS', () => {
  it('runs the capped number of steps and says so in one line', async () => {
    // Expected: min(60 requested, 2 from the variable) = 2 steps; a training step applies the model once.
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.stubEnv('GANFORGE_MAX_STEPS', '2');
    const spec = [{ name: 'bright', values: 2 }];
    const model = attributeClassifier({ size: 8, channels: 1, attributes: spec, filters: 2, seed: 1 });
    const pictures = tf.randomUniform([8, 8, 8, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
    const apply = vi.spyOn(model, 'apply');
    try {
      await trainAttributeClassifier({
        model,
        attributes: spec,
        images: pictures,
        labels: { bright: [0, 1, 0, 1, 0, 1, 0, 1] },
        steps: 60,
        batchSize: 4,
      });
      expect(apply).toHaveBeenCalledTimes(2);
      expect(lines.mock.calls.map(([line]) => line)).toEqual([
        expect.stringMatching(/^\[ganforge\] GANFORGE_MAX_STEPS=2: trainAttributeClassifier runs 2 of its 60 steps/),
      ]);
    } finally {
      vi.unstubAllEnvs();
      lines.mockRestore();
      tf.dispose(pictures);
      model.dispose();
    }
  });
});
