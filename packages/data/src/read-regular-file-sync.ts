import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

import { FileNotFoundError, GanForgeError, InvalidFileError, SizeLimitError, UnsafePathError } from '@ganforge/core';

/** What {@link readRegularFileSync} checks, and the names its errors use. */
export interface ReadRegularFileSyncOptions {
  /** The name the caller knows the path by (`'options.path'`), for a missing file. */
  readonly argument: string;
  /** What the file should be, e.g. `'IDX file'`. */
  readonly what: string;
  /** Largest size in bytes, checked on the open file before reading. */
  readonly maxBytes: number;
  /** What raises `maxBytes`, named in the `SizeLimitError`. */
  readonly limitOption: string;
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever (and a synchronous
// open would block the whole process); for regular files it changes nothing. The checks run on the
// opened descriptor, so the file cannot be swapped between the check and the read.
const openFlags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a whole file synchronously, for loaders that are synchronous (`loadMnist`): after opening it,
 * checks on the descriptor that it is a regular file (a symbolic link to one is followed, as for
 * `readUserFile` of `@ganforge/core/node`, which is the asynchronous counterpart) of at most
 * `maxBytes` bytes. A folder, FIFO, socket or device is refused, so nothing hangs or reads forever.
 *
 * @throws FileNotFoundError naming `argument` when the path does not exist.
 * @throws UnsafePathError when it is not a regular file (or its links form a loop).
 * @throws SizeLimitError naming `limitOption` when it is larger than `maxBytes`.
 * @throws InvalidFileError for other I/O failures.
 */
export function readRegularFileSync(path: string, options: ReadRegularFileSyncOptions): Uint8Array {
  let descriptor: number;
  try {
    descriptor = openSync(path, openFlags);
  } catch (cause) {
    throw openError(path, options, cause);
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) {
      throw new UnsafePathError(path, `${options.what} is ${kindOf(stats)}, not a regular file`);
    }
    if (stats.size > options.maxBytes) {
      throw new SizeLimitError(`${options.what} ${path}`, options.maxBytes, stats.size, 'bytes', options.limitOption);
    }
    const bytes = new Uint8Array(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const bytesRead = readSync(descriptor, bytes, filled, Math.min(bytes.length - filled, 64 * 2 ** 20), filled);
      if (bytesRead === 0) {
        throw new InvalidFileError(path, `${stats.size} bytes`, `${filled} bytes: it shrank while being read`);
      }
      filled += bytesRead;
    }
    return bytes;
  } catch (cause) {
    if (cause instanceof GanForgeError) throw cause;
    throw new InvalidFileError(
      path,
      `a readable ${options.what}`,
      `an error from the file system (${message(cause)})`,
      {
        cause,
      },
    );
  } finally {
    closeSync(descriptor);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe), which would block a reader';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function openError(path: string, options: ReadRegularFileSyncOptions, cause: unknown): Error {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new FileNotFoundError(options.argument, path, `an existing ${options.what}`, { cause });
  }
  if (code === 'EISDIR') return new UnsafePathError(path, `${options.what} is a folder, not a regular file`);
  return new UnsafePathError(path, `${options.what} could not be opened (${message(cause)})`);
}
