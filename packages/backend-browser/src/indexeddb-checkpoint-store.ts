import {
  assertCheckpointName,
  type Checkpoint,
  CheckpointError,
  type CheckpointStore,
  decodeCheckpoint,
  encodeCheckpoint,
} from '@ganforge/core';

const objectStore = 'checkpoints';

function request<T>(operation: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    operation.onsuccess = () => resolve(operation.result);
    operation.onerror = () => reject(operation.error);
  });
}

/**
 * Checkpoints in the browser's IndexedDB, as the same bytes `FileCheckpointStore` writes in Node, so a
 * checkpoint moves between the two as a file (`exportBytes` / `importBytes`). Each save is one
 * IndexedDB transaction: it lands whole or not at all.
 *
 * @example
 * ```ts
 * const store = new IndexedDbCheckpointStore('my-gan');
 * await trainer.fit(data, { batchSize: 32, steps: 200, checkpoints: { store, every: 50 } });
 * ```
 */
export class IndexedDbCheckpointStore implements CheckpointStore {
  readonly databaseName: string;
  #database: Promise<IDBDatabase> | undefined;

  constructor(databaseName = 'ganforge') {
    this.databaseName = databaseName;
  }

  #open(): Promise<IDBDatabase> {
    if (typeof indexedDB === 'undefined') {
      return Promise.reject(
        new CheckpointError('IndexedDbCheckpointStore needs IndexedDB (a browser page or worker).'),
      );
    }
    return (this.#database ??= new Promise((resolve, reject) => {
      const opening = indexedDB.open(this.databaseName, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(objectStore);
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () =>
        reject(
          new CheckpointError(`Could not open IndexedDB database '${this.databaseName}'.`, { cause: opening.error }),
        );
    }));
  }

  async #transaction<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const database = await this.#open();
    const transaction = database.transaction(objectStore, mode);
    const result = request(run(transaction.objectStore(objectStore)));
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error ?? new CheckpointError('IndexedDB transaction aborted.'));
    });
    return result;
  }

  async save(name: string, checkpoint: Checkpoint): Promise<void> {
    await this.importBytes(name, encodeCheckpoint(checkpoint));
  }

  async load(name: string): Promise<Checkpoint | undefined> {
    const bytes = await this.exportBytes(name);
    return bytes ? decodeCheckpoint(bytes) : undefined;
  }

  async list(): Promise<string[]> {
    const keys = await this.#transaction('readonly', (store) => store.getAllKeys());
    return keys.map(String).sort();
  }

  /** The stored bytes of a checkpoint (what a `.gfckpt` file holds), e.g. to offer as a download. */
  async exportBytes(name: string): Promise<Uint8Array | undefined> {
    assertCheckpointName(name);
    const value = await this.#transaction(
      'readonly',
      (store) => store.get(name) as IDBRequest<ArrayBuffer | undefined>,
    );
    return value ? new Uint8Array(value) : undefined;
  }

  /** Stores checkpoint bytes (a `.gfckpt` file from Node, for example) after checking they decode. */
  async importBytes(name: string, bytes: Uint8Array): Promise<void> {
    assertCheckpointName(name);
    decodeCheckpoint(bytes); // refuse damaged bytes before they replace a good checkpoint
    const copy = bytes.slice().buffer;
    await this.#transaction('readwrite', (store) => store.put(copy, name));
  }
}
