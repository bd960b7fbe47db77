import { GanForgeError, KernelNotRegisteredError, SizeLimitError } from '@ganforge/core';

import { FileSystemError } from './file-system-error.js';
import { withFlagName } from './flag-names.js';

/** What the `ganforge` command prints for an error that ends it, and its exit status. */
export interface CliErrorReport {
  /** The error's message and its code in brackets, without the `ganforge: ` prefix; one line. */
  readonly line: string;
  /** The error's stable code, e.g. `INVALID_ARGUMENT` (scripts can branch on it). */
  readonly code: string;
  /** 2 for a bad argument (a usage error, a bad flag value, a missing input file), 1 otherwise. */
  readonly exitCode: number;
}

/** Codes of errors in what the user typed, which exit with status 2. */
const argumentCodes = new Set(['INVALID_ARGUMENT', 'USAGE', 'FILE_NOT_FOUND']);

/** The prefix of every error line `ganforge` prints on stderr. */
export const cliErrorPrefix = 'ganforge: ';

/**
 * The one-line report of an error that reached the top of the command, or undefined for an
 * unexpected error (a bug: the caller prints its stack).
 *
 * A tfjs "Kernel 'X' not registered for backend 'Y'" error, wherever it sits in the `cause` chain,
 * becomes a {@link KernelNotRegisteredError}: it names the backend and the kernel, suggests
 * `--backend cpu` and asks for an issue, instead of tfjs's stack trace. A Node file system error
 * (ENOENT, EACCES, ENOSPC, ...) that no command turned into a typed error first becomes a
 * {@link FileSystemError} naming the path and the system's reason: the disk, not the program, is
 * at fault, so it gets one line too. A {@link SizeLimitError} whose limit an environment variable
 * raises names only that variable (a command has no API options), with the value that would do.
 *
 * @example
 * ```ts
 * const report = reportCliError(new InvalidArgumentError('--steps', 'an integer >= 1', '0'));
 * // { line: '--steps: expected an integer >= 1, received "0". [INVALID_ARGUMENT]', code: 'INVALID_ARGUMENT', exitCode: 2 }
 * ```
 */
export function reportCliError(error: unknown): CliErrorReport | undefined {
  const typed =
    KernelNotRegisteredError.from(error) ??
    (error instanceof GanForgeError ? error : undefined) ??
    FileSystemError.from(error);
  if (typed === undefined) return undefined;
  const shown = limitRaisedFromTheCommandLine(typed);
  // A message is one line by contract; a newline from a wrapped library message would start a second.
  const message = shown.message.replace(/\s*\n\s*/g, ' ');
  return {
    line: `${message} [${typed.code}]`,
    code: typed.code,
    exitCode: argumentCodes.has(typed.code) ? 2 : 1,
  };
}

/**
 * The library's limits name their API option and the environment variable that raises them
 * ("options.maxPixels or GANFORGE_MAX_IMAGE_PIXELS=N"); on the command line only the variable
 * exists, so the line names it with the value this input needs.
 */
function limitRaisedFromTheCommandLine(error: GanForgeError): GanForgeError {
  if (!(error instanceof SizeLimitError)) return error;
  const variable = /GANFORGE_[A-Z0-9_]+/.exec(error.option)?.[0];
  if (variable === undefined) return error;
  return withFlagName(error, {
    [error.option]: `the environment variable ${variable} (e.g. ${variable}=${error.received} ganforge ...)`,
  }) as GanForgeError;
}
