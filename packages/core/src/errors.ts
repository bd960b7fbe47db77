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

/**
 * A loss became NaN or infinite; training stops so that no bad checkpoint overwrites a good one.
 * Every trainer that throws it has put its models and optimizers back as they were before the step.
 */
export class NonFiniteLossError extends GanForgeError {
  readonly step: number;
  readonly loss: string;
  readonly value: number;

  constructor(step: number, loss: string, value: number) {
    super(
      'NON_FINITE_LOSS',
      `Training stopped at step ${step}: the ${loss} loss is ${value}. The models and optimizers are back as they were before this step; the last checkpoint written before it is kept. ` +
        'Lower the learning rate, check the data range ([-1, 1] expected) or add a gradient penalty.',
    );
    this.step = step;
    this.loss = loss;
    this.value = value;
  }
}

/**
 * Why a checkpoint was refused. `CHECKPOINT` is the general case; the others let callers branch:
 * `CHECKPOINT_CHECKSUM` (the payload's bytes changed since it was written), `CHECKPOINT_HEADER`
 * (a header field is missing, of the wrong type or out of range), `CHECKPOINT_MISMATCH` (weights do
 * not fit the topology or the models they are loaded into).
 */
export type CheckpointErrorCode = 'CHECKPOINT' | 'CHECKPOINT_CHECKSUM' | 'CHECKPOINT_HEADER' | 'CHECKPOINT_MISMATCH';

/** A checkpoint could not be read, written, or does not match the models it is loaded into. */
export class CheckpointError extends GanForgeError {
  constructor(message: string, options?: { cause?: unknown; code?: CheckpointErrorCode }) {
    super(options?.code ?? 'CHECKPOINT', message, options);
  }
}

/**
 * A file's contents are not what its reader accepts (a model.json that is not a tfjs layers model,
 * an image that does not decode, a caption file with a bad line). The message names the file, the
 * expected and the received.
 */
export class InvalidFileError extends GanForgeError {
  readonly path: string;

  constructor(path: string, expected: string, received: string, options?: { cause?: unknown }) {
    super('INVALID_FILE', `${path}: expected ${expected}, received ${received}.`, options);
    this.path = path;
  }
}

/** A file or folder a user named does not exist. */
export class FileNotFoundError extends GanForgeError {
  readonly argument: string;
  readonly path: string;

  constructor(argument: string, path: string, expected = 'an existing file', options?: { cause?: unknown }) {
    super(
      'FILE_NOT_FOUND',
      `${argument}: expected ${expected}, received ${JSON.stringify(path)}, which does not exist.`,
      options,
    );
    this.argument = argument;
    this.path = path;
  }
}

/**
 * A path is refused before it is opened: it is not a regular file (a folder, FIFO, device or socket
 * would hang or mislead a reader), or a path written inside a file (a model.json's weight shards)
 * points outside the folder that file belongs to.
 */
export class UnsafePathError extends GanForgeError {
  readonly path: string;

  constructor(path: string, reason: string) {
    super('UNSAFE_PATH', `${path}: refused: ${reason}.`);
    this.path = path;
  }
}

/**
 * An input is larger than a stated limit, checked before anything is allocated for it. `option`
 * names the setting that raises the limit.
 */
export class SizeLimitError extends GanForgeError {
  readonly what: string;
  readonly limit: number;
  readonly received: number;
  readonly option: string;

  constructor(what: string, limit: number, received: number, unit: string, option: string) {
    super(
      'SIZE_LIMIT',
      `${what}: expected at most ${limit.toLocaleString('en-US')} ${unit}, received ${received.toLocaleString('en-US')} ${unit}. ` +
        `If you trust this input, raise the limit with ${option}.`,
    );
    this.what = what;
    this.limit = limit;
    this.received = received;
    this.option = option;
  }
}

/** Another process is training into the same run folder; two writers would interleave checkpoints. */
export class RunFolderLockedError extends GanForgeError {
  readonly folder: string;
  readonly holder: string;

  constructor(folder: string, holder: string) {
    super(
      'RUN_FOLDER_LOCKED',
      `${folder}: another process (${holder}) is training into this run folder. Wait for it to finish, stop it, or choose another --out.`,
    );
    this.folder = folder;
    this.holder = holder;
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

/**
 * The active tfjs backend has no kernel for an operation a model needs (tfjs throws "Kernel 'X' not
 * registered for backend 'Y'"). GANForge registers what its models need on every backend
 * `useBackend()` picks, so this is a bug to report; another backend (`cpu` has every kernel) works
 * around it meanwhile.
 *
 * @example
 * ```ts
 * try {
 *   tf.engine().runKernel('NoSuchKernel', {}, {});
 * } catch (error) {
 *   console.error(KernelNotRegisteredError.from(error)?.message); // the 'cpu' backend has no 'NoSuchKernel' kernel, ...
 * }
 * ```
 */
export class KernelNotRegisteredError extends GanForgeError {
  readonly kernel: string;
  readonly backend: string;

  constructor(kernel: string, backend: string, options?: { cause?: unknown }) {
    super(
      'KERNEL_NOT_REGISTERED',
      `the '${backend}' backend has no '${kernel}' kernel, which this model needs. Run again with ` +
        (backend === 'cpu'
          ? '--backend wasm (or GANFORGE_BACKEND=wasm)'
          : '--backend cpu (or GANFORGE_BACKEND=cpu), which has every kernel but is slow') +
        `, and please report it at https://github.com/ganforge/ganforge/issues with the command you ran.`,
      options,
    );
    this.kernel = kernel;
    this.backend = backend;
  }

  /** tfjs's own message for a missing kernel (tfjs-core 4.22, engine.ts `runKernel`). */
  static readonly tfjsMessage = /Kernel '([^']+)' not registered for backend '([^']+)'/;

  /**
   * The typed form of tfjs's missing-kernel error found in `error` or its `cause` chain, or
   * undefined when there is none.
   */
  static from(error: unknown): KernelNotRegisteredError | undefined {
    for (let current = error, depth = 0; current instanceof Error && depth < 10; depth++) {
      if (current instanceof KernelNotRegisteredError) return current;
      const match = KernelNotRegisteredError.tfjsMessage.exec(current.message);
      if (match) return new KernelNotRegisteredError(match[1]!, match[2]!, { cause: error });
      current = current.cause;
    }
    return undefined;
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
