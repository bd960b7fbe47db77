import { InvalidArgumentError } from '@ganforge/core';

/**
 * A limit set by an environment variable (how the CLI's users raise a loader's limit without a
 * flag on every command): undefined when the variable is unset or empty, else its value, which must
 * be a positive integer written in decimal digits.
 *
 * @throws InvalidArgumentError naming the variable for any other value.
 * @example
 * ```ts
 * const maxBytes = options.maxBytes ?? limitFromEnvironment('GANFORGE_MAX_CHECKPOINT_BYTES') ?? 2 * 1024 ** 3;
 * ```
 */
export function limitFromEnvironment(variable: string): number | undefined {
  const text = typeof process === 'undefined' ? undefined : process.env[variable];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(variable, 'a positive integer (decimal digits)', text);
  }
  return value;
}
