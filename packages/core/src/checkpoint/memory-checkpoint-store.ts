import { InvalidArgumentError } from '../errors.js';
import type { Checkpoint, CheckpointStore } from './checkpoint.js';
import { decodeCheckpoint, type DecodeCheckpointOptions, encodeCheckpoint } from './checkpoint-codec.js';

/**
 * Keeps encoded checkpoints in memory (tests, short browser sessions). Storing bytes rather than
 * objects means a loaded checkpoint never aliases the saved one, as with a real store; `load`
 * runs every check of {@link decodeCheckpoint} (with `options`), as reading a file would.
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #entries = new Map<string, Uint8Array>();
  readonly #decodeOptions: DecodeCheckpointOptions;

  constructor(options: DecodeCheckpointOptions = {}) {
    this.#decodeOptions = options;
  }

  async save(name: string, checkpoint: Checkpoint): Promise<void> {
    assertCheckpointName(name);
    this.#entries.set(name, encodeCheckpoint(checkpoint));
  }

  async load(name: string): Promise<Checkpoint | undefined> {
    assertCheckpointName(name);
    const bytes = this.#entries.get(name);
    return bytes ? decodeCheckpoint(bytes, this.#decodeOptions) : undefined;
  }

  async list(): Promise<string[]> {
    return [...this.#entries.keys()].sort();
  }
}

/**
 * Whether `name` is a checkpoint name {@link assertCheckpointName} accepts (stores list only those,
 * so a stray file or key never reads as a checkpoint).
 *
 * @example
 * ```ts
 * isCheckpointName('step-100'); // true
 * isCheckpointName('.hidden'); // false
 * ```
 */
export function isCheckpointName(name: unknown): name is string {
  return typeof name === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(name) && !name.startsWith('.');
}

/** Checkpoint names become file names: letters, digits, '.', '_' and '-' only (1 to 128, no leading '.'). */
export function assertCheckpointName(name: unknown): asserts name is string {
  if (!isCheckpointName(name)) {
    throw new InvalidArgumentError(
      'name',
      "a checkpoint name of letters, digits, '.', '_' and '-' (not starting with '.')",
      name,
    );
  }
}
