import { constants, type Stats } from 'node:fs';
import { access, lstat, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import { describedAs, InvalidArgumentError } from '@ganforge/core';

import { FileSystemError } from './file-system-error.js';
import { kindOf } from './input-paths.js';

/** The flag that lets an output replace an existing file. */
export const overwriteFlag = '--overwrite';

async function statOrUndefined(flag: string, path: string, look = stat): Promise<Stats | undefined> {
  try {
    return await look(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // ENOTDIR: a folder on the way is a file; the walk up to it says so.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw FileSystemError.from(error, flag) ?? error;
  }
}

/**
 * The folders of `path` that do not exist yet, outermost first, after checking that the nearest one
 * that does exist is a folder the command may write into.
 */
async function missingFolders(flag: string, folder: string): Promise<string[]> {
  const missing: string[] = [];
  let current = resolve(folder);
  for (;;) {
    const stats = await statOrUndefined(flag, current);
    if (stats) {
      if (!stats.isDirectory()) {
        throw new InvalidArgumentError(
          flag,
          'a path whose folders are folders',
          describedAs(`a path through ${JSON.stringify(current)}, which is ${kindOf(stats)}`),
        );
      }
      try {
        await access(current, constants.W_OK);
      } catch (error) {
        throw FileSystemError.from(error, flag) ?? error;
      }
      return missing.reverse();
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) return missing.reverse();
    current = parent;
  }
}

/**
 * Checks, before any work, that the command can write the file `path` given as `flag`: it is not a
 * folder or a special file, the nearest existing folder above it is a folder it may write into, and
 * an existing file is only replaced when `overwrite` is set (the user passed `--overwrite`): a
 * command never replaces a file silently.
 *
 * @throws InvalidArgumentError naming `flag`; FileSystemError (permission denied, ...).
 */
export async function assertWritableOutputFile(
  flag: string,
  path: string,
  options: { readonly overwrite: boolean },
): Promise<void> {
  const existing = await statOrUndefined(flag, path);
  if (existing === undefined && (await statOrUndefined(flag, path, lstat))) {
    throw new InvalidArgumentError(flag, 'a file path', describedAs(`${JSON.stringify(path)}, a broken symbolic link`));
  }
  if (existing?.isDirectory()) {
    throw new InvalidArgumentError(
      flag,
      'a file name (e.g. grid.png), not a folder',
      describedAs(`${JSON.stringify(path)}, an existing folder`),
    );
  }
  if (existing && !existing.isFile()) {
    throw new InvalidArgumentError(flag, 'a regular file', describedAs(`${JSON.stringify(path)}, ${kindOf(existing)}`));
  }
  if (existing && !options.overwrite) {
    throw new InvalidArgumentError(
      flag,
      'a file that does not exist yet',
      describedAs(`${JSON.stringify(path)}, an existing file`),
      `Pass ${overwriteFlag} to replace it, or choose another name.`,
    );
  }
  await missingFolders(flag, dirname(path));
}

/**
 * Creates the missing folders above the output file `path`, one level at a time (Node's recursive
 * mkdir can loop forever under /proc), so a path that cannot be created fails at once, naming `flag`.
 */
export async function createOutputFolders(flag: string, path: string): Promise<void> {
  await createFolders(flag, dirname(path));
}

async function createFolders(flag: string, folder: string): Promise<void> {
  for (const missing of await missingFolders(flag, folder)) {
    try {
      await mkdir(missing);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EEXIST' && (await stat(missing)).isDirectory()) continue;
      throw FileSystemError.from(error, flag) ?? error;
    }
  }
}

/**
 * Makes `folder` (a `train --out` run folder) exist: an existing folder is kept, missing ones are
 * created; a file or special file in its place is refused.
 *
 * @throws InvalidArgumentError naming `flag`; FileSystemError (permission denied, ...).
 */
export async function prepareRunFolder(flag: string, folder: string): Promise<void> {
  const existing = await statOrUndefined(flag, folder);
  if (existing && !existing.isDirectory()) {
    throw new InvalidArgumentError(
      flag,
      'a run folder (a new or existing folder)',
      describedAs(`${JSON.stringify(folder)}, ${kindOf(existing)}`),
    );
  }
  await createFolders(flag, folder);
}
