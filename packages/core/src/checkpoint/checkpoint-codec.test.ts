import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { CheckpointError } from '../errors.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../test-support/tiny-models.js';
import { TensorDataset } from '../tensor-dataset.js';
import { AdversarialTrainer } from '../trainer/adversarial-trainer.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
import { loadGenerator } from './load-generator.js';

async function trainedCheckpoint() {
  const trainer = new AdversarialTrainer({
    generator: tinyGenerator({ noiseDim: 3 }),
    discriminator: tinyDiscriminator(),
    noise: { dim: 3 },
    ema: { decay: 0.9 },
    seed: 4,
  });
  await trainer.fit(new TensorDataset({ real: tinyData(16) }), { batchSize: 8, steps: 3 });
  return { trainer, checkpoint: await trainer.checkpoint({ note: 'hello' }) };
}

describe('checkpoint codec', () => {
  it('round-trips every field and every byte', async () => {
    const { checkpoint } = await trainedCheckpoint();
    const decoded = decodeCheckpoint(encodeCheckpoint(checkpoint));
    expect(decoded.step).toBe(3);
    expect(decoded.metadata).toEqual({ note: 'hello' });
    expect(decoded.config).toEqual(checkpoint.config);
    expect(decoded.generator.topology).toEqual(checkpoint.generator.topology);
    expect(new Uint8Array(decoded.generator.weightData)).toEqual(new Uint8Array(checkpoint.generator.weightData));
    expect(new Uint8Array(decoded.optimizers.discriminator.data)).toEqual(
      new Uint8Array(checkpoint.optimizers.discriminator.data),
    );
    expect(new Uint8Array(decoded.generatorEma!.data)).toEqual(new Uint8Array(checkpoint.generatorEma!.data));
    expect(decoded.optimizers.generator.specs.length).toBeGreaterThan(1); // Adam: iterations + m + v
  });

  it('decodes from a byte view that does not start at offset 0 (as Node Buffers do)', async () => {
    const { checkpoint } = await trainedCheckpoint();
    const bytes = encodeCheckpoint(checkpoint);
    const padded = new Uint8Array(bytes.byteLength + 13);
    padded.set(bytes, 13);
    expect(decodeCheckpoint(padded.subarray(13)).step).toBe(3);
  });

  it('detects truncated and foreign bytes', async () => {
    const { checkpoint } = await trainedCheckpoint();
    const bytes = encodeCheckpoint(checkpoint);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.byteLength - 1))).toThrow(/truncated or damaged/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 40))).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(new TextEncoder().encode('{"not":"a checkpoint"}'))).toThrow(
      /expected a GANForge checkpoint/,
    );
  });

  it('loadGenerator rebuilds the generator with trained or averaged weights', async () => {
    const { trainer, checkpoint } = await trainedCheckpoint();
    const noise = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
    const trained = await loadGenerator(checkpoint, { ema: false });
    const expected = trainer.generator.predict(noise) as tf.Tensor;
    expect(tf.max(tf.abs((trained.predict(noise) as tf.Tensor).sub(expected))).dataSync()[0]).toBe(0);
    const averaged = await loadGenerator(checkpoint);
    const fromTrainer = trainer.generate({ count: 4, seed: 1 }); // EMA weights by default, same noise
    expect(tf.max(tf.abs((averaged.predict(noise) as tf.Tensor).sub(fromTrainer))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it('restore refuses a checkpoint from different models, naming the weight', async () => {
    const { checkpoint } = await trainedCheckpoint();
    const other = new AdversarialTrainer({
      generator: tinyGenerator({ noiseDim: 5 }),
      discriminator: tinyDiscriminator(),
      noise: { dim: 5 },
      ema: { decay: 0.9 },
      seed: 4,
    });
    await expect(other.restore(checkpoint)).rejects.toThrow(CheckpointError);
    await expect(other.restore(checkpoint)).rejects.toThrow(/generator/);
  });
});
