import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { CheckpointError, SizeLimitError } from '../errors.js';
import { tinyData } from '../test-support/tiny-models.js';
import { tinyTrainer } from '../test-support/tiny-trainer.js';
import { TensorDataset } from '../tensor-dataset.js';
import { type CheckpointNote, decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
import { loadGenerator } from './load-generator.js';

async function trainedCheckpoint() {
  const trainer = tinyTrainer({ ema: { decay: 0.9 }, seed: 4 });
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

  it('decodes a Node Buffer that shares a larger ArrayBuffer, and loadGenerator loads it', async () => {
    const { trainer, checkpoint } = await trainedCheckpoint();
    const bytes = encodeCheckpoint(checkpoint);
    // As readFile returns: a Buffer whose ArrayBuffer holds other bytes before and after it.
    const backing = new ArrayBuffer(bytes.byteLength + 4096);
    new Uint8Array(backing).fill(0xab);
    const buffer = Buffer.from(backing, 1000, bytes.byteLength);
    buffer.set(bytes);
    expect(buffer.buffer.byteLength).toBeGreaterThan(buffer.byteLength);

    const fromBuffer = decodeCheckpoint(buffer);
    const reference = decodeCheckpoint(new Uint8Array(bytes)); // the same bytes in a fresh Uint8Array
    for (const [actual, expected] of [
      [fromBuffer.generator.weightData, reference.generator.weightData],
      [fromBuffer.discriminator.weightData, reference.discriminator.weightData],
      [fromBuffer.optimizers.generator.data, reference.optimizers.generator.data],
      [fromBuffer.optimizers.discriminator.data, reference.optimizers.discriminator.data],
      [fromBuffer.generatorEma!.data, reference.generatorEma!.data],
    ] as const) {
      expect(actual.byteLength).toBe(expected.byteLength);
      expect(new Uint8Array(actual)).toEqual(new Uint8Array(expected));
    }
    // A subarray of the Buffer (a Buffer too) with a nonzero offset decodes the same.
    const pooled = Buffer.concat([Buffer.alloc(37, 7), Buffer.from(bytes), Buffer.alloc(5, 9)]);
    const view = pooled.subarray(37, 37 + bytes.byteLength);
    expect(new Uint8Array(decodeCheckpoint(view).generator.weightData)).toEqual(
      new Uint8Array(reference.generator.weightData),
    );

    const generator = await loadGenerator(fromBuffer, { ema: false });
    const noise = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
    const expected = trainer.generator.predict(noise) as tf.Tensor;
    expect(tf.max(tf.abs((generator.predict(noise) as tf.Tensor).sub(expected))).dataSync()[0]).toBe(0);
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
    const other = tinyTrainer({ ema: { decay: 0.9 }, seed: 4 }, 5);
    await expect(other.restore(checkpoint)).rejects.toThrow(CheckpointError);
    await expect(other.restore(checkpoint)).rejects.toThrow(/generator/);
  });

  it("stores the payload's SHA-256 in the header, as Node's OpenSSL computes it", async () => {
    const { checkpoint } = await trainedCheckpoint();
    const bytes = encodeCheckpoint(checkpoint);
    const headerLength = new DataView(bytes.buffer).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Record<
      string,
      unknown
    >;
    const payload = bytes.subarray(12 + headerLength);
    expect(payload.byteLength).toBe(header['blobBytes']);
    expect(header['payloadSha256']).toBe(createHash('sha256').update(payload).digest('hex'));
  });

  it('refuses a checkpoint whose weights changed by one bit, with CHECKPOINT_CHECKSUM', async () => {
    const { checkpoint } = await trainedCheckpoint();
    const bytes = encodeCheckpoint(checkpoint);
    const damaged = bytes.slice();
    damaged[damaged.byteLength - 5]! ^= 0x10; // a bit of the last optimizer slot's bytes
    expect(() => decodeCheckpoint(damaged)).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(damaged)).toThrow(/weights changed after it was written/);
    let caught: unknown;
    try {
      decodeCheckpoint(damaged);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CHECKPOINT_CHECKSUM' });
  });

  it('loads a checkpoint written before checksums (a real file from commit 8b19ea1), with one note', async () => {
    const file = await readFile(new URL('./test-fixtures/v1-before-checksums.gfckpt', import.meta.url));
    const notes: CheckpointNote[] = [];
    const old = decodeCheckpoint(new Uint8Array(file), { onNote: (note) => notes.push(note) });
    expect(notes).toEqual([{ code: 'CHECKPOINT_UNVERIFIED', message: expect.stringMatching(/no checksum/) }]);
    // Values the fixture was written with (test-fixtures/README.md).
    expect([old.step, old.epoch, old.batchInEpoch, old.seed]).toEqual([2, 1, 0, 4]);
    expect(old.metadata).toEqual({ writtenBy: 'ganforge 8b19ea1 (before payload checksums)' });
    const before = tf.memory().numTensors;
    const generator = await loadGenerator(old);
    expect(generator.outputs[0]!.shape).toEqual([null, 6]);
    generator.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Saved again, it gains a checksum and loads without a note.
    const resaved = decodeCheckpoint(encodeCheckpoint(old), { onNote: (note) => notes.push(note) });
    expect(notes).toHaveLength(1);
    expect(new Uint8Array(resaved.generator.weightData)).toEqual(new Uint8Array(old.generator.weightData));
  });

  it('resumes training from the checkpoint written before checksums', async () => {
    const file = await readFile(new URL('./test-fixtures/v1-before-checksums.gfckpt', import.meta.url));
    const old = decodeCheckpoint(new Uint8Array(file), { onNote: () => {} });
    // The options the fixture was written with (test-fixtures/README.md).
    const trainer = tinyTrainer({ ema: { decay: 0.9 }, seed: 4 });
    await trainer.restore(old);
    const summary = await trainer.fit(new TensorDataset({ real: tinyData(16) }), { batchSize: 8, steps: 1 });
    expect([summary.stepsRun, summary.step]).toEqual([1, 3]); // the fixture stopped at step 2
    trainer.dispose();
  });

  it('refuses files and headers beyond the limits, naming the option that raises them', async () => {
    const { checkpoint } = await trainedCheckpoint();
    const bytes = encodeCheckpoint(checkpoint);
    const headerLength = new DataView(bytes.buffer).getUint32(8, true);
    expect(() => decodeCheckpoint(bytes, { limits: { maxFileBytes: 1000 } })).toThrow(SizeLimitError);
    expect(() => decodeCheckpoint(bytes, { limits: { maxHeaderBytes: headerLength - 1 } })).toThrow(
      /^checkpoint header: expected at most .* bytes, received .* bytes\. If you trust this input, raise the limit with the limits\.maxHeaderBytes option\./,
    );
    expect(decodeCheckpoint(bytes, { limits: { maxHeaderBytes: headerLength } }).step).toBe(3);
    expect(() =>
      decodeCheckpoint(bytes, { limits: { maxFileBytes: 10 }, describeLimitOption: () => '--max-checkpoint-bytes' }),
    ).toThrow(/raise the limit with --max-checkpoint-bytes\./);
    expect(() => decodeCheckpoint(bytes, { limits: { maxFileBytes: -1 } })).toThrow(
      /^options\.limits\.maxFileBytes: expected a positive integer, received -1/,
    );
  });

  it('never writes a checkpoint it would refuse to read', async () => {
    const { checkpoint } = await trainedCheckpoint();
    expect(() => encodeCheckpoint({ ...checkpoint, step: -5 })).toThrow(
      /^checkpoint\.step: expected a non-negative integer, received -5\. It cannot be saved\./,
    );
  });
});
