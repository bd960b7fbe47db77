import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

/** Which GANForge model a run holds (from `metadata.run.model` of its checkpoints, or how it was made here). */
export type RunFamily = 'dcgan' | 'lapgan' | 'text2img' | 'srresnet' | 'srgan';

/** What the library lists about a run, without its bytes. */
export interface RunSummary {
  readonly id: string;
  /** A name for people: the file or folder it came from, or what was trained here. */
  readonly name: string;
  readonly family: RunFamily;
  /** Training steps done (the checkpoint's step; for LAPGAN, the sum over levels). */
  readonly step: number;
  /** When it was stored, ISO 8601. */
  readonly savedAt: string;
  readonly origin: 'trained in the studio' | 'imported';
  /** The run folder's file names, e.g. `latest.gfckpt` and `text-encoder.json`. */
  readonly fileNames: readonly string[];
  /** Total bytes of its files. */
  readonly bytes: number;
}

/**
 * A run as `ganforge train ...` leaves it in a folder: its files by name, `.gfckpt` checkpoints
 * (one per level for LAPGAN) and, for text-to-image, `text-encoder.json`.
 */
export interface StoredRun extends RunSummary {
  readonly files: Readonly<Record<string, Uint8Array>>;
}

interface LibrarySchema extends DBSchema {
  runs: { key: string; value: StoredRun };
  /** Each run's summary without its bytes, so listing never reads (and clones) every run's files. */
  summaries: { key: string; value: RunSummary };
}

const summaryOf = ({ files: _files, ...summary }: StoredRun): RunSummary => summary;

/**
 * The studio's runs in IndexedDB: one record per run, written in one transaction (whole or not at
 * all). Listeners hear every change, so each panel's model picker stays current, including changes
 * made by another library on the same database (a worker that stores an import, another tab).
 */
export class RunLibrary {
  readonly databaseName: string;
  readonly #database: Promise<IDBPDatabase<LibrarySchema>>;
  readonly #changes = new EventTarget();
  /** Tells the other libraries on this database (workers, tabs) about a change; hears theirs. */
  readonly #channel: BroadcastChannel;

  constructor(databaseName = 'ganforge-studio') {
    this.databaseName = databaseName;
    this.#channel = new BroadcastChannel(`ganforge-run-library:${databaseName}`);
    this.#channel.addEventListener('message', () => this.#changes.dispatchEvent(new Event('change')));
    this.#database = openDB<LibrarySchema>(databaseName, 2, {
      upgrade: async (database, oldVersion, _newVersion, transaction) => {
        if (oldVersion < 1) database.createObjectStore('runs', { keyPath: 'id' });
        if (oldVersion < 2) {
          database.createObjectStore('summaries', { keyPath: 'id' });
          // Runs stored by version 1 get their summaries (once, in the upgrade's transaction).
          for (
            let cursor = await transaction.objectStore('runs').openCursor();
            cursor;
            cursor = await cursor.continue()
          ) {
            await transaction.objectStore('summaries').put(summaryOf(cursor.value));
          }
        }
      },
    });
  }

  /** Every run, newest first. */
  async list(): Promise<RunSummary[]> {
    const runs = await (await this.#database).getAll('summaries');
    return runs.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  async get(id: string): Promise<StoredRun | undefined> {
    return (await this.#database).get('runs', id);
  }

  /** Stores a run (replacing the one with the same `id`, when given) and returns its summary. */
  async put(run: {
    readonly id?: string;
    readonly name: string;
    readonly family: RunFamily;
    readonly step: number;
    readonly origin: RunSummary['origin'];
    readonly files: Readonly<Record<string, Uint8Array>>;
  }): Promise<RunSummary> {
    const stored: StoredRun = {
      ...run,
      id: run.id ?? crypto.randomUUID(),
      savedAt: new Date().toISOString(),
      fileNames: Object.keys(run.files),
      bytes: Object.values(run.files).reduce((sum, bytes) => sum + bytes.byteLength, 0),
    };
    const summary = summaryOf(stored);
    const transaction = (await this.#database).transaction(['runs', 'summaries'], 'readwrite');
    await Promise.all([
      transaction.objectStore('runs').put(stored),
      transaction.objectStore('summaries').put(summary),
      transaction.done,
    ]);
    this.#changed();
    return summary;
  }

  async remove(id: string): Promise<void> {
    const transaction = (await this.#database).transaction(['runs', 'summaries'], 'readwrite');
    await Promise.all([
      transaction.objectStore('runs').delete(id),
      transaction.objectStore('summaries').delete(id),
      transaction.done,
    ]);
    this.#changed();
  }

  #changed(): void {
    this.#changes.dispatchEvent(new Event('change'));
    this.#channel.postMessage('change');
  }

  /** Calls `listener` after every put or remove (here or by another library on the same database); returns the function that stops it. */
  onChange(listener: () => void): () => void {
    this.#changes.addEventListener('change', listener);
    return () => this.#changes.removeEventListener('change', listener);
  }
}
