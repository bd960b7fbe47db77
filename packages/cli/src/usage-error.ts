import { GanForgeError } from '@ganforge/core';
import type { Command, CommanderError } from 'commander';

/**
 * A command line commander refused before any command ran: an unknown command or option, a missing
 * required option, a flag value its parser rejected. The message is commander's, without its
 * `error: ` prefix, plus where to read the usage, e.g. `option '--count <n>' argument '0' is
 * invalid. expected an integer from 1 to 1024, received '0'. (see ganforge sample --help)`.
 */
export class UsageError extends GanForgeError {
  /** The command whose usage it was, e.g. `'ganforge sample'`. */
  readonly command: string;

  constructor(message: string, command: string, options?: { cause?: unknown }) {
    super('USAGE', `${message.replace(/^error: /, '').trim()} (see ${command} --help)`, options);
    this.command = command;
  }
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/**
 * Makes `command` and all its subcommands report usage errors as a {@link UsageError} thrown from
 * `parseAsync` (printed by the CLI's one-line error report) instead of printing them themselves and
 * exiting; `--help` and `--version` still print and exit with status 0.
 */
export function throwUsageErrors(command: Command): Command {
  command.configureOutput({ outputError: () => undefined }).exitOverride((error: CommanderError) => {
    if (error.exitCode === 0) process.exit(0);
    throw new UsageError(error.message, commandPath(command), { cause: error });
  });
  for (const subcommand of command.commands) throwUsageErrors(subcommand);
  return command;
}
