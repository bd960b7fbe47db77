import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

import { FileNotFoundError, UnsafePathError } from '@ganforge/core';

/**
 * Resolves a path written inside a file (a model.json's weight shard, a package's model path)
 * against the folder that file belongs to, and returns its real path (symbolic links resolved)
 * only if that stays inside the folder's real path. Nothing is opened: the path is judged by its
 * text, then by `realpath` (which reads links and metadata, never contents).
 *
 * Refused with {@link UnsafePathError}: an empty path or one with a NUL byte; a URL (`file:`,
 * `http:`, any `scheme:`; also Windows drive letters); a backslash (a separator on Windows, where
 * `..\..\x` would escape); an absolute path; a `..` segment; a path whose symbolic links lead
 * outside the folder. The folder itself may be a symbolic link (its real path is the boundary).
 *
 * @param folder the folder the path must stay in (need not be a real path).
 * @param written the path as written in the file, relative to `folder`, `/`-separated.
 * @param where where `written` was found, for messages, e.g. `weightsManifest[0].paths[1] of /m/model.json`.
 * @returns the real path of the file (its existence is checked, its kind is not).
 * @throws UnsafePathError as above; FileNotFoundError when `folder` or the file does not exist.
 *
 * @example
 * ```ts
 * import { resolveConfinedPath } from '@ganforge/core/node';
 * const shard = await resolveConfinedPath('models/x4', 'group1-shard1of1.bin', 'weightsManifest[0].paths[0]');
 * ```
 */
export async function resolveConfinedPath(folder: string, written: unknown, where: string): Promise<string> {
  const shown = typeof written === 'string' ? written : String(written);
  const refuse = (reason: string) => new UnsafePathError(shown, `${where} ${reason}`);
  if (typeof written !== 'string' || written.length === 0) throw refuse('is not a non-empty path');
  if (written.includes('\0')) throw refuse('contains a NUL byte');
  if (/^[a-z][a-z0-9+.-]*:/i.test(written)) {
    throw refuse('is a URL or drive letter (scheme:), not a path relative to its folder');
  }
  if (written.includes('\\')) throw refuse('contains a backslash, a path separator on Windows');
  if (isAbsolute(written)) throw refuse('is an absolute path, not a path relative to its folder');
  if (written.split('/').includes('..')) throw refuse("has a '..' segment, which leads outside its folder");

  const realFolder = await realpath(folder).catch((cause: unknown) => {
    throw new FileNotFoundError(where, resolve(folder), 'an existing folder', { cause });
  });
  const candidate = resolve(realFolder, written);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (cause) {
    if (isErrorCode(cause, 'ENOENT') || isErrorCode(cause, 'ENOTDIR')) {
      throw new FileNotFoundError(where, candidate, `a file inside ${realFolder}`, { cause });
    }
    // ELOOP (a link cycle), EACCES, ...: nothing safe to read there.
    throw refuse(`cannot be resolved (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  const inside = relative(realFolder, real);
  if (inside === '') throw refuse('is its folder itself, not a file inside it');
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw refuse(`leads through a symbolic link to ${real}, outside its folder ${realFolder}`);
  }
  return real;
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
