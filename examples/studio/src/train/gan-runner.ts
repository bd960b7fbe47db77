import type { AdversarialTrainer, TensorDataset } from '@ganforge/core';
import { tileImages } from '@ganforge/data';
import type * as tf from '@tensorflow/tfjs';

import type { LearningRates, TrainDataset, TrainModel, TrainSnapshot } from './train-protocol.js';

/**
 * One model being trained in the worker, whatever its kind: a trainer and data set per level
 * (DCGAN: one), the pictures to show, and the run folder's files to save.
 */
/** How a Train panel run starts: its learning rates, D steps per G step, and a run folder's files to continue. */
export interface GanRunnerOptions {
  readonly learningRates: LearningRates;
  readonly discriminatorSteps: number;
  readonly resumeFiles?: Readonly<Record<string, Uint8Array>>;
}

export interface GanRunner {
  readonly model: TrainModel;
  /** One per level, finest first (DCGAN: one); trained in rounds, one step of each. */
  readonly trainers: readonly AdversarialTrainer[];
  readonly datasets: readonly TensorDataset[];
  readonly batchSize: number;
  /** Training images used (LAPGAN uses the first few thousand). */
  readonly images: number;
  /** The loss series, in the order a round's losses are reported (D then G of each level). */
  readonly lossNames: readonly string[];
  /** Sample grids (and the LAPGAN pyramid) at `step`. */
  snapshot(step: number): Promise<TrainSnapshot>;
  /** The run folder's files as `ganforge train` writes them, with the settings in `metadata.run`. */
  files(dataset: TrainDataset, learningRates: LearningRates): Promise<Record<string, Uint8Array>>;
  /** Frees the models, optimizer state and data sets. */
  dispose(): void;
}

/** The noise seed of the fixed-noise grid: the same z at every snapshot. */
export const fixedNoiseSeed = 20_240_601;
/** Images per sample grid, and how many of the fixed-noise images each history row shows. */
export const gridCount = 16;
export const historyCount = 8;

/** The sample grid, the fixed-noise grid and its history row, from images in [-1, 1]; disposes them. */
export async function sampleGrids(
  step: number,
  samples: tf.Tensor,
  fixed: tf.Tensor,
): Promise<Omit<TrainSnapshot, 'pyramid'>> {
  try {
    const history = fixed.slice([0, 0, 0, 0], [historyCount, -1, -1, -1]);
    try {
      return {
        step,
        samples: await tileImages(samples, { columns: 4, padding: 1 }),
        fixedNoise: await tileImages(fixed, { columns: 4, padding: 1 }),
        historyRow: await tileImages(history, { columns: historyCount, padding: 1 }),
      };
    } finally {
      history.dispose();
    }
  } finally {
    samples.dispose();
    fixed.dispose();
  }
}
