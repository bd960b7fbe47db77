import { InvalidArgumentError } from '../errors.js';

/**
 * Limits checked before a checkpoint or a model's topology is decoded or built. The defaults are far
 * above what GANForge's models need (an SRGAN checkpoint with Adam state and EMA is about 100 MB, its
 * header about 100 KB, its deepest topology nesting about 12 levels and its largest model about
 * 120 layers) and far below what would exhaust a machine.
 */
export interface CheckpointLimits {
  /** Bytes of a whole checkpoint (header and weights). Default 2 GiB. */
  readonly maxFileBytes: number;
  /** Bytes of the JSON header (topologies, specs, config, metadata). Default 64 MiB. */
  readonly maxHeaderBytes: number;
  /** Nesting depth of any JSON in the header or a topology. Default 100 levels. */
  readonly maxJsonDepth: number;
  /** Layers of one model's topology, nested models included. Default 10,000. */
  readonly maxLayers: number;
  /**
   * Tensors in one list (a model's weights, an optimizer's slots, the EMA). Default 100,000 (tfjs
   * makes a JS object per tensor, so a million 4-byte tensors would cost a gigabyte of heap).
   */
  readonly maxTensors: number;
  /**
   * Elements of one layer's output for one example, counting the dimensions the topology fixes
   * (a fully convolutional model's free height and width are not counted). Default 2^28
   * (268,435,456: 1 GiB of float32); DCGAN-64's largest activation is 131,072.
   */
  readonly maxActivationElements: number;
}

/** The limits used when a caller sets none. */
export const defaultCheckpointLimits: CheckpointLimits = Object.freeze({
  maxFileBytes: 2 * 1024 ** 3,
  maxHeaderBytes: 64 * 1024 ** 2,
  maxJsonDepth: 100,
  maxLayers: 10_000,
  maxTensors: 100_000,
  maxActivationElements: 2 ** 28,
});

/** The limits with a caller's overrides applied; each override must be a positive safe integer. */
export function resolveCheckpointLimits(
  overrides: Partial<CheckpointLimits> | undefined,
  argument = 'limits',
): CheckpointLimits {
  if (overrides === undefined) return defaultCheckpointLimits;
  if (typeof overrides !== 'object' || overrides === null) {
    throw new InvalidArgumentError(argument, 'an object of limits', overrides);
  }
  const resolved: Record<keyof CheckpointLimits, number> = { ...defaultCheckpointLimits };
  for (const key of Object.keys(defaultCheckpointLimits) as (keyof CheckpointLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new InvalidArgumentError(`${argument}.${key}`, 'a positive integer', value);
    }
    resolved[key] = value;
  }
  for (const key of Object.keys(overrides)) {
    if (!(key in defaultCheckpointLimits)) {
      throw new InvalidArgumentError(
        `${argument}.${key}`,
        `one of the limits ${Object.keys(defaultCheckpointLimits).join(', ')}`,
        key,
      );
    }
  }
  return resolved;
}
