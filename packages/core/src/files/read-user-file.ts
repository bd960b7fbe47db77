import { realpath } from 'node:fs/promises';

import { FileNotFoundError, UnsafePathError } from '@ganforge/core';
import { readRegularFile, type ReadRegularFileOptions } from './read-regular-file.js';

/** {@link readUserFile}'s options: how errors name the path, and readRegularFile's checks. */
export interface ReadUserFileOptions extends Omit<ReadRegularFileOptions, 'into'> {
  /** What the caller calls the path (`'--text-encoder'`, `'tsvPath'`), named in FileNotFoundError. */
  readonly argument: string;
  /** What the path should be, for FileNotFoundError (`'an existing caption file'`). */
  readonly expected: string;
}

/**
 * Reads a whole file whose path a user typed (an argument or a flag, not a path written inside
 * another file): a symbolic link is followed, since the user chose it, and what it leads to must be
 * a regular file within `maxBytes`, checked before it is opened (see `readRegularFile`). Paths
 * written inside files use `resolveConfinedPath` instead, which keeps them in their folder.
 *
 * @throws FileNotFoundError naming `argument`; UnsafePathError (a link that cannot be resolved, or
 *   not a regular file); SizeLimitError; InvalidFileError (the file changed while read).
 * @example
 * ```ts
 * import { readUserFile } from '@ganforge/core/node';
 * const bytes = await readUserFile('captions.tsv', { argument: '--dataset', expected: 'an existing caption file', maxBytes: 1 << 28 });
 * ```
 */
export async function readUserFile(path: string, options: ReadUserFileOptions): Promise<Uint8Array> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (cause) {
    throw unresolvedUserPathError(path, options, cause);
  }
  try {
    return await readRegularFile(real, options);
  } catch (error) {
    // Removed between realpath and the read.
    if (error instanceof FileNotFoundError) {
      throw new FileNotFoundError(options.argument, path, options.expected, { cause: error });
    }
    throw error;
  }
}

/** The error for a user's path that `realpath` cannot resolve (shared with `readUserFileSync`). */
export function unresolvedUserPathError(
  path: string,
  options: Pick<ReadUserFileOptions, 'argument' | 'expected'>,
  cause: unknown,
): FileNotFoundError | UnsafePathError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new FileNotFoundError(options.argument, path, options.expected, { cause });
  }
  return new UnsafePathError(path, `cannot be resolved (${cause instanceof Error ? cause.message : String(cause)})`);
}
