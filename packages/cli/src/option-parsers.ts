import { InvalidArgumentError } from 'commander';

/** A commander parser for integers in [min, max]; commander turns its error into a one-line message. */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`expected an integer ${range}, received '${value}'.`);
    }
    return parsed;
  };
}

export function positiveNumberOption(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new InvalidArgumentError(`expected a positive number, received '${value}'.`);
  return parsed;
}

/** A commander parser for one of a few integers (e.g. 1 or 3 image channels). */
export function integerChoiceOption(choices: readonly number[]) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!choices.includes(parsed)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, received '${value}'.`);
    }
    return parsed;
  };
}

/** A commander parser for a finite number >= 0 (a loss weight that may switch a term off). */
export function nonNegativeNumberOption(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0)
    throw new InvalidArgumentError(`expected a number >= 0, received '${value}'.`);
  return parsed;
}
