import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';

import { describedAs, FileNotFoundError, InvalidArgumentError } from '@ganforge/core';

import { FileSystemError } from './file-system-error.js';

/** What a path is, in a few words for an error message. */
export function kindOf(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

async function statOf(flag: string, path: string, expected: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileNotFoundError(flag, path, expected, { cause: error });
    throw FileSystemError.from(error, flag) ?? error;
  }
}

/**
 * Checks, before any work, that `path` (given as `flag`) is an existing folder.
 *
 * @throws FileNotFoundError naming `flag` when nothing is there; InvalidArgumentError when it is a
 *   file or anything else; FileSystemError when it cannot be looked at (permission denied, ...).
 */
export async function assertExistingFolder(flag: string, path: string, expected = 'an existing folder'): Promise<void> {
  const stats = await statOf(flag, path, expected);
  if (!stats.isDirectory()) {
    throw new InvalidArgumentError(flag, expected, describedAs(`${JSON.stringify(path)}, ${kindOf(stats)}`));
  }
}

/**
 * Checks, before any work, that `path` (given as `flag`) is an existing regular file: a folder is
 * refused, and so are a FIFO, socket or device, which would make a reader hang or read forever.
 *
 * @throws FileNotFoundError naming `flag` when nothing is there; InvalidArgumentError when it is not
 *   a regular file; FileSystemError when it cannot be looked at.
 */
export async function assertExistingFile(flag: string, path: string, expected = 'an existing file'): Promise<void> {
  const stats = await statOf(flag, path, expected);
  if (!stats.isFile()) {
    throw new InvalidArgumentError(flag, expected, describedAs(`${JSON.stringify(path)}, ${kindOf(stats)}`));
  }
}
