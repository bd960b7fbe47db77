import type * as tf from '@tensorflow/tfjs';

/** A model in tfjs layers format: topology (model.json's `modelTopology`), weight manifest and bytes. */
export interface SerializedModel {
  readonly topology: object;
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly weightData: ArrayBuffer;
}

/** An ordered list of named tensors (weights or optimizer slots) with their bytes. */
export interface SerializedTensors {
  readonly specs: tf.io.WeightsManifestEntry[];
  readonly data: ArrayBuffer;
}

/** JSON that the trainer stores beside the weights, so a checkpoint says how it was trained. */
export type CheckpointConfig = Readonly<Record<string, unknown>>;

/**
 * Everything needed to resume training exactly and to sample in any runtime: both models
 * (topology + weights), both optimizers' state, the generator's EMA weights, the step counters
 * and the seed (the trainer's random state is the seed plus the step counters).
 */
export interface Checkpoint {
  readonly format: 'ganforge-checkpoint';
  readonly version: 1;
  readonly step: number;
  readonly epoch: number;
  /** Batches already consumed from the current epoch. */
  readonly batchInEpoch: number;
  readonly seed: number;
  readonly config: CheckpointConfig;
  /** Free-form JSON for applications (the CLI stores its model and data set options here). */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly generator: SerializedModel;
  readonly discriminator: SerializedModel;
  /** EMA of the generator's weights, in `generator.weightSpecs` order. */
  readonly generatorEma?: SerializedTensors;
  readonly optimizers: { readonly generator: SerializedTensors; readonly discriminator: SerializedTensors };
}

/** Where checkpoints live: a folder on disk, IndexedDB, memory. `save` must be atomic per name. */
export interface CheckpointStore {
  save(name: string, checkpoint: Checkpoint): Promise<void>;
  load(name: string): Promise<Checkpoint | undefined>;
  list(): Promise<string[]>;
}
