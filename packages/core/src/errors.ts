/**
 * Base class of every error GANForge throws on purpose. `code` is stable and safe to branch on;
 * the message names the argument, what was expected, what was received and what to do.
 */
export class GanForgeError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument has the wrong value, type or range. */
export class InvalidArgumentError extends GanForgeError {
  readonly argument: string;

  constructor(argument: string, expected: string, received: unknown, hint?: string) {
    super(
      'INVALID_ARGUMENT',
      `${argument}: expected ${expected}, received ${describeValue(received)}.${hint ? ` ${hint}` : ''}`,
    );
    this.argument = argument;
  }
}

/** A tensor argument has the wrong rank or shape. */
export class ShapeMismatchError extends GanForgeError {
  readonly argument: string;
  readonly expectedShape: string;
  readonly receivedShape: readonly number[];

  constructor(argument: string, expectedShape: string, receivedShape: readonly number[], hint?: string) {
    super(
      'SHAPE_MISMATCH',
      `${argument}: expected shape ${expectedShape}, received [${receivedShape.join(', ')}].${hint ? ` ${hint}` : ''}`,
    );
    this.argument = argument;
    this.expectedShape = expectedShape;
    this.receivedShape = receivedShape;
  }
}

/** A loss became NaN or infinite; training stops so that no bad checkpoint overwrites a good one. */
export class NonFiniteLossError extends GanForgeError {
  readonly step: number;
  readonly loss: string;
  readonly value: number;

  constructor(step: number, loss: string, value: number) {
    super(
      'NON_FINITE_LOSS',
      `Training stopped at step ${step}: the ${loss} loss is ${value}. The last checkpoint written before this step is kept. ` +
        'Lower the learning rate, check the data range ([-1, 1] expected) or add a gradient penalty.',
    );
    this.step = step;
    this.loss = loss;
    this.value = value;
  }
}

/** A checkpoint could not be read, written, or does not match the models it is loaded into. */
export class CheckpointError extends GanForgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CHECKPOINT', message, options);
  }
}

/** A requested backend cannot run here; the message says why and how to get it. */
export class BackendUnavailableError extends GanForgeError {
  readonly backend: string;

  constructor(backend: string, reason: string) {
    super('BACKEND_UNAVAILABLE', `Backend '${backend}' is not available: ${reason}`);
    this.backend = backend;
  }
}

/** A received value given as prose ("2 values (the file is truncated)"), printed without quotes. */
export class ReceivedDescription {
  constructor(readonly text: string) {}
}

/** Wraps prose for the `received` part of an {@link InvalidArgumentError}. */
export function describedAs(text: string): ReceivedDescription {
  return new ReceivedDescription(text);
}

function describeValue(value: unknown): string {
  if (value instanceof ReceivedDescription) return value.text;
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  const constructorName = (value as object).constructor?.name;
  return constructorName && constructorName !== 'Object' ? `a ${constructorName}` : 'an object';
}
