import { constants, type Stats } from 'node:fs';
import { lstat, open } from 'node:fs/promises';

import { FileNotFoundError, InvalidFileError, SizeLimitError, UnsafePathError } from '@ganforge/core';
import { describeFileKind } from './describe-file-kind.js';

/** What {@link readRegularFile} checks besides the file's kind. */
export interface ReadRegularFileOptions {
  /** What the file is, for messages (e.g. `'model.json'`, `'weight shard'`). Default `'file'`. */
  readonly what?: string;
  /** Refuse (before opening) a file larger than this many bytes, with {@link SizeLimitError}. */
  readonly maxBytes?: number;
  /** The option that raises `maxBytes`, named in the error (e.g. `'the maxModelJsonBytes option'`). */
  readonly limitOption?: string;
  /**
   * Read into this array (e.g. a slice of one buffer for all shards); the file must hold exactly
   * its length in bytes. Default: a new array of the file's size.
   */
  readonly into?: Uint8Array;
}

/**
 * The size in bytes of a regular file, from its metadata (nothing is opened). A folder, FIFO,
 * socket, device or symbolic link is refused: a FIFO would block a reader forever, a device can
 * be endless, and a link may lead anywhere (resolve and confine it first with `resolveConfinedPath`).
 *
 * @throws FileNotFoundError when `path` does not exist; UnsafePathError when it is not a regular file.
 */
export async function regularFileSize(path: string, what = 'file'): Promise<number> {
  let stats: Stats;
  try {
    stats = await lstat(path);
  } catch (cause) {
    throw new FileNotFoundError(what, path, `an existing ${what}`, { cause });
  }
  if (!stats.isFile()) throw new UnsafePathError(path, `${what} is ${describeFileKind(stats)}, not a regular file`);
  return stats.size;
}

/**
 * Reads a whole regular file, checking before it opens it that it is one (see
 * {@link regularFileSize}) and not larger than `maxBytes`; the file is then opened without
 * following links and without blocking, and checked again through the open handle, so a file
 * swapped for a FIFO or grown in between is refused too, not read.
 *
 * @returns the file's bytes (`options.into` when given).
 * @throws FileNotFoundError, UnsafePathError (not a regular file), SizeLimitError (larger than
 *   `maxBytes`), InvalidFileError (its size differs from `into`'s length, or changed while read).
 *
 * @example
 * ```ts
 * import { readRegularFile } from '@ganforge/core/node';
 * const text = new TextDecoder().decode(await readRegularFile('m/model.json', { maxBytes: 1 << 20, what: 'model.json' }));
 * ```
 */
export async function readRegularFile(path: string, options: ReadRegularFileOptions = {}): Promise<Uint8Array> {
  const what = options.what ?? 'file';
  const size = await regularFileSize(path, what);
  if (options.maxBytes !== undefined && size > options.maxBytes) {
    throw new SizeLimitError(`${what} ${path}`, options.maxBytes, size, 'bytes', options.limitOption ?? 'maxBytes');
  }
  if (options.into !== undefined && options.into.byteLength !== size) {
    throw new InvalidFileError(path, `${options.into.byteLength} bytes`, `${size} bytes`);
  }
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (cause) {
    throw new UnsafePathError(
      path,
      `${what} could not be opened (${cause instanceof Error ? cause.message : String(cause)})`,
    );
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw new UnsafePathError(path, `${what} is ${describeFileKind(opened)}, not a regular file`);
    if (opened.size !== size) {
      throw new InvalidFileError(path, `${size} bytes`, `${opened.size} bytes: the ${what} changed while being read`);
    }
    const target = options.into ?? new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      // One read() call takes at most 2 GiB - 1 bytes; 64 MiB chunks keep each call short.
      const { bytesRead } = await handle.read(target, offset, Math.min(size - offset, 64 * 1024 * 1024), offset);
      if (bytesRead === 0) {
        throw new InvalidFileError(path, `${size} bytes`, `${offset} bytes: the ${what} shrank while being read`);
      }
      offset += bytesRead;
    }
    return target;
  } finally {
    await handle.close();
  }
}
