import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';

import { FileNotFoundError, GanForgeError, InvalidFileError, SizeLimitError, UnsafePathError } from '@ganforge/core';
import { describeFileKind } from './describe-file-kind.js';
import { type ReadUserFileOptions, unresolvedUserPathError } from './read-user-file.js';

/**
 * The synchronous `readUserFile`, for loaders that are synchronous (`loadMnist` of
 * `@ganforge/data/node`), with the same checks: a symbolic link the user chose is followed; what it
 * leads to must be a regular file (checked with `lstat` before opening, then on the descriptor,
 * which is opened without following links and without blocking, so a FIFO swapped in cannot hang
 * the process) of at most `maxBytes` bytes, checked before anything is allocated for it.
 *
 * @throws FileNotFoundError naming `argument`; UnsafePathError (a link that cannot be resolved, or
 *   not a regular file); SizeLimitError naming `limitOption`; InvalidFileError (the file changed
 *   while read, or the file system failed to read it).
 * @example
 * ```ts
 * import { readUserFileSync } from '@ganforge/core/node';
 * const bytes = readUserFileSync('mnist/train-labels-idx1-ubyte', { argument: 'options.path', expected: 'an existing IDX file', what: 'IDX file', maxBytes: 2 ** 30 });
 * ```
 */
export function readUserFileSync(path: string, options: ReadUserFileOptions): Uint8Array {
  const what = options.what ?? 'file';
  let real: string;
  let size: number;
  try {
    real = realpathSync(path);
    size = checkedSize(real, lstatSync(real), options);
  } catch (cause) {
    if (cause instanceof GanForgeError) throw cause;
    // Missing (or removed between realpath and lstat), or a link loop.
    throw unresolvedUserPathError(path, options, cause);
  }
  let descriptor: number;
  try {
    descriptor = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new FileNotFoundError(options.argument, path, options.expected, { cause });
    }
    throw new UnsafePathError(real, `${what} could not be opened (${message(cause)})`);
  }
  try {
    const opened = fstatSync(descriptor);
    checkedSize(real, opened, options);
    if (opened.size !== size) {
      throw new InvalidFileError(real, `${size} bytes`, `${opened.size} bytes: the ${what} changed while being read`);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      // One read() call takes at most 2 GiB - 1 bytes; 64 MiB chunks keep each call short.
      const bytesRead = readSync(descriptor, bytes, offset, Math.min(size - offset, 64 * 1024 * 1024), offset);
      if (bytesRead === 0) {
        throw new InvalidFileError(real, `${size} bytes`, `${offset} bytes: the ${what} shrank while being read`);
      }
      offset += bytesRead;
    }
    return bytes;
  } catch (cause) {
    if (cause instanceof GanForgeError) throw cause;
    throw new InvalidFileError(real, `a readable ${what}`, `an error from the file system (${message(cause)})`, {
      cause,
    });
  } finally {
    closeSync(descriptor);
  }
}

/** The file's size, after refusing what is not a regular file or is larger than `maxBytes`. */
function checkedSize(path: string, stats: Stats, options: ReadUserFileOptions): number {
  const what = options.what ?? 'file';
  if (!stats.isFile()) throw new UnsafePathError(path, `${what} is ${describeFileKind(stats)}, not a regular file`);
  if (options.maxBytes !== undefined && stats.size > options.maxBytes) {
    throw new SizeLimitError(
      `${what} ${path}`,
      options.maxBytes,
      stats.size,
      'bytes',
      options.limitOption ?? 'maxBytes',
    );
  }
  return stats.size;
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
