import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import {
  assertCheckpointName,
  type Checkpoint,
  type CheckpointLimits,
  type CheckpointStore,
  CheckpointError,
  type DecodeCheckpointOptions,
  defaultCheckpointLimits,
  decodeCheckpoint,
  encodeCheckpoint,
  FileNotFoundError,
  GanForgeError,
  InvalidArgumentError,
  isCheckpointName,
} from '@ganforge/core';

import { limitFromEnvironment } from '../files/limit-from-environment.js';
import { readRegularFile } from '../files/read-regular-file.js';
import { resolveConfinedPath } from '../files/resolve-confined-path.js';
import { writeFileAtomically } from '../files/write-file-atomically.js';

const extension = '.gfckpt';

/** Environment variable that sets {@link FileCheckpointStoreOptions.maxBytes} where no option is given (the CLI). */
export const maxCheckpointBytesVariable = 'GANFORGE_MAX_CHECKPOINT_BYTES';

export interface FileCheckpointStoreOptions extends Pick<DecodeCheckpointOptions, 'onNote'> {
  /**
   * `load` refuses, before reading, a checkpoint file larger than this many bytes, with
   * `SizeLimitError`. Default: the `GANFORGE_MAX_CHECKPOINT_BYTES` environment variable when set,
   * else `defaultCheckpointLimits.maxFileBytes` (2 GiB: GANForge's largest checkpoints, SRGAN with
   * Adam state and EMA, weigh about 100 MB; a stranger's file, possibly sparse and so free to ship,
   * cannot make `load` allocate more).
   */
  readonly maxBytes?: number;
  /** The decoder's other limits (header bytes, JSON depth, layers), see `CheckpointLimits`. */
  readonly limits?: Partial<Omit<CheckpointLimits, 'maxFileBytes'>>;
}

/**
 * Checkpoints as files in a folder (`<dir>/<name>.gfckpt`), written with `writeFileAtomically`: the
 * bytes go to a temporary file that is flushed to disk and then renamed over the old one, so a crash
 * mid-save leaves the previous checkpoint intact; temporaries of interrupted saves (also the
 * `.<name>.<12 hex>.tmp` ones of GANForge 0.x before it) are removed on the next save of that name.
 *
 * `load` reads regular files only, checked before they are opened: a folder, FIFO (which would
 * block the reader forever), socket or device is refused with `UnsafePathError`; so is a symbolic
 * link that leads outside the store's folder (links inside it, e.g. `latest.gfckpt -> step-900.gfckpt`,
 * are followed); a file larger than `maxBytes` is refused with `SizeLimitError` before anything is
 * allocated for it.
 *
 * @example
 * ```ts
 * import { FileCheckpointStore } from '@ganforge/core/node';
 * await trainer.fit(data, { batchSize: 64, steps: 1000, checkpoints: { store: new FileCheckpointStore('runs/mnist'), every: 100 } });
 * ```
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly directory: string;
  readonly maxBytes: number;
  readonly #decodeOptions: DecodeCheckpointOptions;
  readonly #maxBytesOption: string;

  constructor(directory: string, options: FileCheckpointStoreOptions = {}) {
    if (typeof directory !== 'string' || directory.length === 0) {
      throw new CheckpointError(`directory: expected a folder path, received ${JSON.stringify(directory)}.`);
    }
    this.directory = directory;
    this.maxBytes =
      options.maxBytes ?? limitFromEnvironment(maxCheckpointBytesVariable) ?? defaultCheckpointLimits.maxFileBytes;
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 1) {
      throw new InvalidArgumentError('options.maxBytes', 'a positive integer number of bytes', this.maxBytes);
    }
    const maxBytesOption = `new FileCheckpointStore(folder, { maxBytes }) or the ${maxCheckpointBytesVariable} environment variable`;
    this.#maxBytesOption = maxBytesOption;
    this.#decodeOptions = {
      limits: { ...options.limits, maxFileBytes: this.maxBytes },
      describeLimitOption: (key) =>
        key === 'maxFileBytes' ? maxBytesOption : `new FileCheckpointStore(folder, { limits: { ${key} } })`,
      ...(options.onNote ? { onNote: options.onNote } : {}),
    };
  }

  /** The file a checkpoint name maps to. */
  pathOf(name: string): string {
    assertCheckpointName(name);
    return join(this.directory, name + extension);
  }

  /**
   * Writes `checkpoint` atomically as `<dir>/<name>.gfckpt`, creating the folder.
   *
   * @throws InvalidArgumentError for a name that is not a plain file name; CheckpointError when the
   *   file cannot be written (the previous checkpoint is then untouched).
   */
  async save(name: string, checkpoint: Checkpoint): Promise<void> {
    const target = this.pathOf(name);
    const bytes = encodeCheckpoint(checkpoint);
    try {
      await removeLegacyTemporaries(this.directory, name);
      await writeFileAtomically(target, bytes);
    } catch (cause) {
      throw new CheckpointError(
        `Could not write checkpoint '${name}' to ${this.directory} (${(cause as Error).message}).`,
        { cause },
      );
    }
  }

  /**
   * Reads `<dir>/<name>.gfckpt`, or returns undefined when there is none.
   *
   * @throws UnsafePathError when the file is not a regular file or is a link leading outside the
   *   folder; SizeLimitError when it is larger than `maxBytes`; CheckpointError (and its finer codes)
   *   when it cannot be read or decoded.
   */
  async load(name: string): Promise<Checkpoint | undefined> {
    const path = this.pathOf(name);
    let readPath = path;
    try {
      const stats = await lstat(path);
      // Follow a link only where it stays inside the store's folder (resolved, real paths).
      if (stats.isSymbolicLink()) readPath = await resolveConfinedPath(this.directory, name + extension, 'checkpoint');
    } catch (error) {
      if (isMissing(error)) return undefined;
      if (error instanceof GanForgeError) throw error;
      throw new CheckpointError(
        `Could not read checkpoint '${name}' from ${this.directory} (${(error as Error).message}).`,
        {
          cause: error,
        },
      );
    }
    const bytes = await readRegularFile(readPath, {
      what: 'checkpoint',
      maxBytes: this.maxBytes,
      limitOption: this.#maxBytesOption,
    });
    return decodeCheckpoint(bytes, this.#decodeOptions);
  }

  /** Names of the checkpoints in the folder (files `<name>.gfckpt` with a valid name), sorted. */
  async list(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.endsWith(extension))
      .map((entry) => entry.slice(0, -extension.length))
      .filter(isCheckpointName)
      .sort();
  }
}

// A missing file, or a link whose target is missing (resolveConfinedPath's FileNotFoundError).
function isMissing(error: unknown): boolean {
  if (error instanceof FileNotFoundError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Removes `.<name>.<12 hex>.tmp`, the temporaries GANForge's earlier FileCheckpointStore wrote
 * (without a pid, so whether their writer still runs is unknown; run folders are locked, so none is
 * being written now). `writeFileAtomically` removes its own (`.<name>.gfckpt.<pid>-<hex>.tmp`).
 */
async function removeLegacyTemporaries(directory: string, name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch {
    return;
  }
  const legacy = new RegExp(`^\\.${name.replace(/[.]/g, '\\.')}\\.[0-9a-f]{12}\\.tmp$`);
  for (const entry of entries) if (legacy.test(entry)) await rm(join(directory, entry), { force: true });
}
