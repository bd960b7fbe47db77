import { GanForgeError, KernelNotRegisteredError } from '@ganforge/core';

/** What the `ganforge` command prints for an error that ends it, and its exit status. */
export interface CliErrorReport {
  /** The error's message, without the `ganforge: ` prefix. */
  readonly line: string;
  /** 2 for a bad argument (as commander uses for usage errors), 1 otherwise. */
  readonly exitCode: number;
}

/**
 * The one-line report of an error that reached the top of the command, or undefined for an
 * unexpected error (a bug: the caller rethrows it, so its stack is printed).
 *
 * A tfjs "Kernel 'X' not registered for backend 'Y'" error, wherever it sits in the `cause` chain,
 * becomes a {@link KernelNotRegisteredError}: it names the backend and the kernel, suggests
 * `--backend cpu` and asks for an issue, instead of tfjs's stack trace.
 *
 * @example
 * ```ts
 * const report = reportCliError(new InvalidArgumentError('--steps', 'an integer >= 1', '0'));
 * // { line: '--steps: expected an integer >= 1, received "0".', exitCode: 2 }
 * ```
 */
export function reportCliError(error: unknown): CliErrorReport | undefined {
  const typed = KernelNotRegisteredError.from(error) ?? (error instanceof GanForgeError ? error : undefined);
  if (typed === undefined) return undefined;
  return { line: typed.message, exitCode: typed.code === 'INVALID_ARGUMENT' ? 2 : 1 };
}
