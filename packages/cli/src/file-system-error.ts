import { GanForgeError } from '@ganforge/core';

/** What Node's file system errors mean, in the words of the one line the CLI prints. */
const reasons: Readonly<Record<string, string>> = {
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'something is already there',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'the file is busy',
  EIO: 'input/output error',
  EFBIG: 'the file is too large',
  ENXIO: 'no such device',
};

/** What the system call was doing, by Node's `syscall` field. */
const operations: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  scandir: 'list the folder',
  opendir: 'list the folder',
  mkdir: 'create the folder',
  rename: 'rename',
  unlink: 'remove',
  rmdir: 'remove the folder',
  stat: 'look at',
  lstat: 'look at',
  access: 'write into',
  copyfile: 'copy',
  fsync: 'flush',
};

/** A Node file system error: an `Error` with `code` `E...` and the `syscall` that failed. */
interface SystemError extends Error {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
  readonly dest?: string;
}

function isSystemError(error: unknown): error is SystemError {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    /^E[A-Z0-9]+$/.test((error as unknown as { code: string }).code) &&
    typeof (error as { syscall?: unknown }).syscall === 'string'
  );
}

/**
 * The file system refused an operation on a path the user gave or the command derived from one
 * (permission denied, read-only, disk full, a file where a folder should be). The message names
 * the flag when it is known, the path, what the command tried and the system's reason with its code,
 * e.g. `--out: cannot create the folder "/sys/x": operation not permitted (EPERM).`
 */
export class FileSystemError extends GanForgeError {
  /** The flag or argument the path came from (`'--out'`, `'<in>'`), when known. */
  readonly argument?: string;
  readonly path: string;
  /** Node's error code, e.g. `'EACCES'`. */
  readonly systemCode: string;

  constructor(
    argument: string | undefined,
    path: string,
    systemCode: string,
    operation: string,
    options?: { cause?: unknown },
  ) {
    const reason = reasons[systemCode] ?? 'the system refused it';
    super(
      'FILE_SYSTEM',
      `${argument ? `${argument}: ` : ''}cannot ${operation} ${JSON.stringify(path)}: ${reason} (${systemCode}).`,
      options,
    );
    this.argument = argument;
    this.path = path;
    this.systemCode = systemCode;
  }

  /**
   * The typed form of the first Node file system error in `error` or its `cause` chain, naming
   * `argument` when given; undefined when there is none, or when a GanForge error comes first.
   */
  static from(error: unknown, argument?: string): FileSystemError | undefined {
    for (let current = error, depth = 0; current instanceof Error && depth < 10; depth++) {
      if (current instanceof FileSystemError) return current;
      // Already typed (e.g. a CheckpointError with the system error as its cause): its own line is better.
      if (current instanceof GanForgeError) return undefined;
      if (isSystemError(current)) {
        const operation = operations[current.syscall ?? ''] ?? current.syscall ?? 'use';
        const path = current.path ?? current.dest ?? '(unknown path)';
        return new FileSystemError(argument, path, current.code, operation, { cause: error });
      }
      current = current.cause;
    }
    return undefined;
  }
}

/**
 * Runs `work` (a read or write of a path the user gave), turning a Node file system error into a
 * {@link FileSystemError} naming `argument`; other errors pass unchanged.
 */
export async function namingPath<T>(argument: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw FileSystemError.from(error, argument) ?? error;
  }
}
