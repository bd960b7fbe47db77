import {
  assertCheckpointName,
  type Checkpoint,
  CheckpointError,
  copyViewBytes,
  type CheckpointLimits,
  type CheckpointStore,
  type DecodeCheckpointOptions,
  decodeCheckpoint,
  defaultCheckpointLimits,
  encodeCheckpoint,
  InvalidArgumentError,
  isCheckpointName,
  SizeLimitError,
} from '@ganforge/core';

const objectStore = 'checkpoints';

function request<T>(operation: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    operation.onsuccess = () => resolve(operation.result);
    operation.onerror = () => reject(operation.error);
  });
}

export interface IndexedDbCheckpointStoreOptions extends Pick<DecodeCheckpointOptions, 'onNote'> {
  /**
   * Refuse checkpoint bytes larger than this (importBytes before storing them, load before decoding),
   * with SizeLimitError. Default `defaultCheckpointLimits.maxFileBytes` (2 GiB), as for files.
   */
  readonly maxBytes?: number;
  /** The decoder's other limits (header bytes, JSON depth, layers), see `CheckpointLimits`. */
  readonly limits?: Partial<Omit<CheckpointLimits, 'maxFileBytes'>>;
}

/**
 * Checkpoints in the browser's IndexedDB, as the same bytes `FileCheckpointStore` writes in Node, so a
 * checkpoint moves between the two as a file (`exportBytes` / `importBytes`). Each save is one
 * IndexedDB transaction: it lands whole or not at all. Bytes from elsewhere (`importBytes`, a value
 * another script stored under our key) are checked before they are decoded: an ArrayBuffer within
 * `maxBytes`, then `decodeCheckpoint`'s checksum, header schema and limits.
 *
 * @example
 * ```ts
 * const store = new IndexedDbCheckpointStore('my-gan');
 * await trainer.fit(data, { batchSize: 32, steps: 200, checkpoints: { store, every: 50 } });
 * ```
 */
export class IndexedDbCheckpointStore implements CheckpointStore {
  readonly databaseName: string;
  readonly maxBytes: number;
  readonly #decodeOptions: DecodeCheckpointOptions;
  #database: Promise<IDBDatabase> | undefined;

  constructor(databaseName = 'ganforge', options: IndexedDbCheckpointStoreOptions = {}) {
    if (typeof databaseName !== 'string' || databaseName.length === 0) {
      throw new InvalidArgumentError('databaseName', 'a non-empty string', databaseName);
    }
    this.databaseName = databaseName;
    this.maxBytes = options.maxBytes ?? defaultCheckpointLimits.maxFileBytes;
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 1) {
      throw new InvalidArgumentError('options.maxBytes', 'a positive integer number of bytes', this.maxBytes);
    }
    this.#decodeOptions = {
      limits: { ...options.limits, maxFileBytes: this.maxBytes },
      describeLimitOption: (key) =>
        `new IndexedDbCheckpointStore(name, { ${key === 'maxFileBytes' ? 'maxBytes' : `limits: { ${key} }`} })`,
      ...(options.onNote ? { onNote: options.onNote } : {}),
    };
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
    return bytes ? decodeCheckpoint(bytes, this.#decodeOptions) : undefined;
  }

  /** Names of the stored checkpoints (keys that are valid checkpoint names), sorted. */
  async list(): Promise<string[]> {
    const keys = await this.#transaction('readonly', (store) => store.getAllKeys());
    return keys.filter(isCheckpointName).sort();
  }

  /**
   * The stored bytes of a checkpoint (what a `.gfckpt` file holds), e.g. to offer as a download.
   *
   * @throws CheckpointError when the stored value is not an ArrayBuffer (another script wrote it);
   *   SizeLimitError when it is larger than `maxBytes`.
   */
  async exportBytes(name: string): Promise<Uint8Array | undefined> {
    assertCheckpointName(name);
    const value: unknown = await this.#transaction('readonly', (store) => store.get(name));
    if (value === undefined) return undefined;
    if (!(value instanceof ArrayBuffer)) {
      throw new CheckpointError(
        `IndexedDB '${this.databaseName}', checkpoint '${name}': expected an ArrayBuffer of checkpoint bytes, received ${describeStored(value)}.`,
      );
    }
    this.#assertSize(`checkpoint '${name}' in IndexedDB '${this.databaseName}'`, value.byteLength);
    return new Uint8Array(value);
  }

  /**
   * Stores checkpoint bytes (a `.gfckpt` file from Node, for example) after checking they decode,
   * so damaged or hostile bytes never replace a good checkpoint.
   *
   * @throws InvalidArgumentError when `bytes` is not a Uint8Array; SizeLimitError (larger than
   *   `maxBytes`, checked first); the errors of `decodeCheckpoint`.
   */
  async importBytes(name: string, bytes: Uint8Array): Promise<void> {
    assertCheckpointName(name);
    if (!(bytes instanceof Uint8Array))
      throw new InvalidArgumentError('bytes', 'a Uint8Array of checkpoint bytes', bytes);
    this.#assertSize(`checkpoint bytes for '${name}'`, bytes.byteLength);
    decodeCheckpoint(bytes, this.#decodeOptions);
    // Exactly the view's bytes: a Node Buffer's `.slice()` is a view and its `.buffer` a larger pool.
    const copy = copyViewBytes(bytes);
    await this.#transaction('readwrite', (store) => store.put(copy, name));
  }

  #assertSize(what: string, byteLength: number): void {
    if (byteLength > this.maxBytes) {
      throw new SizeLimitError(
        what,
        this.maxBytes,
        byteLength,
        'bytes',
        'new IndexedDbCheckpointStore(name, { maxBytes })',
      );
    }
  }
}

function describeStored(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `a ${typeof value}`;
  return `a ${(value as object).constructor?.name ?? 'object'}`;
}
