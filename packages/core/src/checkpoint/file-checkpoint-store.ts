import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import {
  assertCheckpointName,
  type Checkpoint,
  type CheckpointStore,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
} from '@ganforge/core';

const extension = '.gfckpt';

/**
 * Checkpoints as files in a folder (`<dir>/<name>.gfckpt`), written atomically: the bytes go to a
 * temporary file that is flushed to disk and then renamed over the old one, so a crash mid-save
 * leaves the previous checkpoint intact.
 *
 * @example
 * ```ts
 * import { FileCheckpointStore } from '@ganforge/core/node';
 * await trainer.fit(data, { batchSize: 64, steps: 1000, checkpoints: { store: new FileCheckpointStore('runs/mnist'), every: 100 } });
 * ```
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly directory: string;

  constructor(directory: string) {
    if (typeof directory !== 'string' || directory.length === 0) {
      throw new CheckpointError(`directory: expected a folder path, received ${JSON.stringify(directory)}.`);
    }
    this.directory = directory;
  }

  /** The file a checkpoint name maps to. */
  pathOf(name: string): string {
    assertCheckpointName(name);
    return join(this.directory, name + extension);
  }

  async save(name: string, checkpoint: Checkpoint): Promise<void> {
    const target = this.pathOf(name);
    const bytes = encodeCheckpoint(checkpoint);
    await mkdir(this.directory, { recursive: true });
    const temporary = join(this.directory, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } catch (cause) {
      await file.close();
      await rm(temporary, { force: true });
      throw new CheckpointError(`Could not write checkpoint '${name}' to ${this.directory}.`, { cause });
    }
    await file.close();
    await rename(temporary, target);
    await syncDirectory(this.directory);
  }

  async load(name: string): Promise<Checkpoint | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CheckpointError(`Could not read checkpoint '${name}' from ${this.directory}.`, { cause: error });
    }
    return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  async list(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.endsWith(extension) && !entry.startsWith('.'))
      .map((entry) => entry.slice(0, -extension.length))
      .sort();
  }
}

// Makes the rename itself durable; some platforms (Windows) cannot open folders, which is fine.
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort.
  }
}
