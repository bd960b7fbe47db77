import { GanForgeError, SizeLimitError } from '@ganforge/core';

/**
 * The flag a user typed for each argument or option name a library function uses in its errors,
 * e.g. `{ 'options.subsetSize': '--subset-size', directory: '--dataset' }`.
 */
export type FlagNames = Readonly<Record<string, string>>;

/**
 * `error` with the library's argument name replaced by the flag the user typed, when `flags` maps
 * it: an error that has an `argument` (InvalidArgumentError, FileNotFoundError, ...) and whose
 * message starts with it, or a SizeLimitError whose `option` (the setting that raises the limit)
 * is mapped. The class, code and other fields stay; the original is the `cause`. Other errors are
 * returned unchanged.
 */
export function withFlagName(error: unknown, flags: FlagNames): unknown {
  if (!(error instanceof GanForgeError)) return error;
  const argument = (error as { argument?: unknown }).argument;
  if (typeof argument === 'string' && Object.hasOwn(flags, argument) && error.message.startsWith(`${argument}:`)) {
    const flag = flags[argument]!;
    return renamed(error, `${flag}${error.message.slice(argument.length)}`, { argument: flag });
  }
  if (error instanceof SizeLimitError && Object.hasOwn(flags, error.option)) {
    const flag = flags[error.option]!;
    return renamed(error, error.message.split(error.option).join(flag), { option: flag });
  }
  return error;
}

function renamed(error: GanForgeError, message: string, fields: Record<string, string>): GanForgeError {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as GanForgeError;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  Object.defineProperty(copy, 'cause', { value: error, writable: true, configurable: true });
  for (const [key, value] of Object.entries(fields)) {
    Object.defineProperty(copy, key, { value, enumerable: true, configurable: true });
  }
  return copy;
}

/**
 * Runs `work`, a call into a library whose errors name its own arguments (`options.subsetSize`),
 * so that they name the flags the user typed instead (`--subset-size`); see {@link withFlagName}.
 *
 * @example
 * ```ts
 * const folder = await namingFlags({ directory: '--dataset' }, () => loadImageFolder(dataset, { size: 28 }));
 * ```
 */
export async function namingFlags<T>(flags: FlagNames, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw withFlagName(error, flags);
  }
}
