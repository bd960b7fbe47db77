import { execFileSync } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';

/**
 * Makes a FIFO (named pipe) at `path` with coreutils' `mkfifo` (Node has no API for it) and returns
 * `path`. Opening one for reading waits for a writer forever: the hostile-file tables check that
 * every loader refuses it instead.
 */
export function makeFifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/**
 * Makes a sparse file at `path`: `size` bytes claimed, none written (truncate extends with a hole),
 * so a size-limit test of hundreds of MiB costs no disk. Returns `path`.
 */
export function makeSparseFile(path: string, size: number): string {
  writeFileSync(path, '');
  truncateSync(path, size);
  return path;
}
