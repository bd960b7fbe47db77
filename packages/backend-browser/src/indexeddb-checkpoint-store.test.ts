// fake-indexeddb implements IndexedDB in Node (the W3C spec, run against the web-platform-tests), so
// the store's checks run here; the real browser test (cross-runtime.browser.test.ts) covers Chromium.
import 'fake-indexeddb/auto';

import { AdversarialTrainer, CheckpointError, encodeCheckpoint, SizeLimitError, TensorDataset } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { IndexedDbCheckpointStore } from './indexeddb-checkpoint-store.js';

let checkpointBytes: Uint8Array;

/** Stores `value` under `key` directly, as another script on the page could. */
async function putRaw(databaseName: string, key: string, value: unknown): Promise<void> {
  // Opening through the store creates the object store.
  await new IndexedDbCheckpointStore(databaseName).list();
  const database = await new Promise<IDBDatabase>((resolve, reject) => {
    const opening = indexedDB.open(databaseName, 1);
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  await new Promise<void>((resolve, reject) => {
    const transaction = database.transaction('checkpoints', 'readwrite');
    transaction.objectStore('checkpoints').put(value, key);
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
  });
  database.close();
}

let databaseCount = 0;
const freshName = () => `ganforge-test-${++databaseCount}`;

describe('IndexedDbCheckpointStore refuses bytes it did not write', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const generator = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3, activation: 'tanh' })] });
    const discriminator = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1 })] });
    const trainer = new AdversarialTrainer({ generator, discriminator, noise: { dim: 2 } });
    await trainer.fit(new TensorDataset({ real: tf.randomUniform([4, 3], -1, 1, 'float32', 5) }), {
      batchSize: 2,
      steps: 1,
    });
    checkpointBytes = encodeCheckpoint(await trainer.checkpoint());
  });

  it('round-trips a checkpoint and lists only checkpoint names', async () => {
    const name = freshName();
    const store = new IndexedDbCheckpointStore(name);
    await store.importBytes('latest', checkpointBytes);
    expect((await store.load('latest'))?.step).toBe(1);
    await putRaw(name, '../not a name', new ArrayBuffer(1));
    expect(await store.list()).toEqual(['latest']);
  });

  it('imports a Node Buffer inside a larger ArrayBuffer as exactly its own bytes', async () => {
    const store = new IndexedDbCheckpointStore(freshName());
    // As readFile returns: a Buffer view with a nonzero byteOffset into a larger ArrayBuffer.
    const pooled = Buffer.concat([Buffer.alloc(21, 0xab), Buffer.from(checkpointBytes), Buffer.alloc(8, 0xcd)]);
    const buffer = pooled.subarray(21, 21 + checkpointBytes.byteLength);
    expect(buffer.byteOffset).toBeGreaterThan(0);
    await store.importBytes('latest', buffer);
    expect(await store.exportBytes('latest')).toEqual(new Uint8Array(checkpointBytes)); // a fresh copy: the reference
    expect((await store.load('latest'))?.step).toBe(1);
  });

  it('refuses bytes over maxBytes before decoding or storing them', async () => {
    const store = new IndexedDbCheckpointStore(freshName(), { maxBytes: checkpointBytes.byteLength - 1 });
    const error = await store.importBytes('latest', checkpointBytes).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SizeLimitError);
    expect((error as Error).message).toMatch(/new IndexedDbCheckpointStore\(name, \{ maxBytes \}\)/);
    expect(await store.list()).toEqual([]);
  });

  it('refuses a stored value over maxBytes, or one that is not an ArrayBuffer, with typed errors', async () => {
    const name = freshName();
    await new IndexedDbCheckpointStore(name).importBytes('latest', checkpointBytes);
    await expect(
      new IndexedDbCheckpointStore(name, { maxBytes: checkpointBytes.byteLength - 1 }).load('latest'),
    ).rejects.toThrow(SizeLimitError);

    await putRaw(name, 'text', 'a string, not bytes');
    await putRaw(name, 'nothing', null);
    const store = new IndexedDbCheckpointStore(name);
    await expect(store.load('text')).rejects.toThrow(CheckpointError);
    await expect(store.load('text')).rejects.toThrow(/expected an ArrayBuffer of checkpoint bytes, received a string/);
    await expect(store.load('nothing')).rejects.toThrow(/received null/);
  });

  it('refuses damaged bytes on import, keeping the checkpoint it has', async () => {
    const store = new IndexedDbCheckpointStore(freshName());
    await store.importBytes('latest', checkpointBytes);
    const damaged = checkpointBytes.slice();
    damaged[damaged.length - 1]! ^= 0xff; // one flipped byte in the payload
    await expect(store.importBytes('latest', damaged)).rejects.toThrow(CheckpointError);
    await expect(store.importBytes('latest', 'bytes' as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await store.load('latest'))?.step).toBe(1);
  });

  it('validates its options', () => {
    expect(() => new IndexedDbCheckpointStore('x', { maxBytes: 0 })).toThrow(/options.maxBytes/);
    expect(() => new IndexedDbCheckpointStore('')).toThrow(/databaseName/);
  });
});
