import { GanForgeError } from '@ganforge/core';

/** A computation lost too much precision to be trusted; the message says what to change. */
export class NumericalPrecisionError extends GanForgeError {
  constructor(message: string) {
    super('NUMERICAL_PRECISION', message);
  }
}
