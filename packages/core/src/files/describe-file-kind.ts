import type { Stats } from 'node:fs';

/**
 * What a file that is not a regular file is, in words for a refusal ("a FIFO (named pipe), which
 * would block a reader"), from its `lstat`/`fstat` metadata.
 */
export function describeFileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe), which would block a reader';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}
