import { decodeCheckpoint, encodeCheckpoint, type OptimizerConfig } from '@ganforge/core';
import { tileImages } from '@ganforge/data';
import { LapGan, lapganCheckpointName, lapganLevel, pyrUp } from '@ganforge/laplacian';
import * as tf from '@tensorflow/tfjs';

import { fixedNoiseSeed, type GanRunner, type GanRunnerOptions, gridCount, sampleGrids } from './gan-runner.js';
import { runFile, trainableRunRecord } from './run-record.js';
import { lapganSettings } from './run-settings.js';
import type { LearningRates, PyramidLevelView, TrainDataset } from './train-protocol.js';

/** Samples shown level by level in the pyramid view. */
const pyramidCount = 4;

/**
 * A LAPGAN for 28x28 images built as `ganforge train lapgan` builds it (buildLapGan there), new or
 * continued from a run folder's `level-<k>.gfckpt` files. Its levels train in rounds, one step of
 * each, so all of them improve together (the CLI trains them one after the other).
 */
export async function lapganRunner(images: tf.Tensor4D, options: GanRunnerOptions): Promise<GanRunner> {
  const levelFile = (level: number) => `${lapganCheckpointName(level)}.gfckpt`;
  const checkpoints = options.resumeFiles
    ? Array.from({ length: lapganSettings.levels }, (_, level) =>
        decodeCheckpoint(runFile(options.resumeFiles!, levelFile(level), 'one checkpoint per LAPGAN level')),
      )
    : undefined;
  const record = checkpoints
    ? trainableRunRecord(checkpoints[0]!, levelFile(0), ['filters', 'kernelSize', 'hiddenUnits'])
    : undefined;
  if (record && record['levels'] !== lapganSettings.levels) {
    throw new Error(
      `${levelFile(0)}: metadata.run.levels: expected 3 (28 -> 14 -> 7), received ${JSON.stringify(record['levels'])}. ` +
        'Continue this run with `ganforge train lapgan --resume`.',
    );
  }
  const settings = {
    ...lapganSettings,
    filters: (record?.['filters'] as number | undefined) ?? lapganSettings.filters,
    kernelSize: (record?.['kernelSize'] as number | undefined) ?? lapganSettings.kernelSize,
    hiddenUnits: (record?.['hiddenUnits'] as number | undefined) ?? lapganSettings.hiddenUnits,
    seed: (record?.['seed'] as number | undefined) ?? lapganSettings.seed,
  };
  const adam = (learningRate: number): OptimizerConfig => ({ type: 'adam', learningRate, beta1: 0.5, beta2: 0.999 });
  const level = lapganLevel({
    filters: settings.filters,
    kernelSize: settings.kernelSize,
    hiddenUnits: settings.hiddenUnits,
    trainer: {
      generatorOptimizer: adam(options.learningRates.generator),
      discriminatorOptimizer: adam(options.learningRates.discriminator),
      discriminatorStepsPerGeneratorStep: options.discriminatorSteps,
      ema: { decay: 0.999 },
    },
  });
  const lapgan = new LapGan({
    imageShape: [28, 28, 1],
    levels: Array.from({ length: settings.levels }, () => level),
    seed: settings.seed,
  });
  const levels = Array.from({ length: lapgan.levelCount }, (_, k) => k);
  const datasets: ReturnType<LapGan['levelDataset']>[] = [];
  const dispose = () => {
    for (const data of datasets) data.dispose();
    lapgan.dispose();
  };
  const used = images.slice(0, Math.min(settings.limit, images.shape[0]));
  try {
    for (const k of levels) {
      if (checkpoints) await lapgan.restoreLevel(k, checkpoints[k]!);
      datasets.push(lapgan.levelDataset(k, used));
    }
  } catch (error) {
    dispose();
    throw error;
  } finally {
    used.dispose();
  }
  return {
    model: 'lapgan',
    trainers: levels.map((k) => lapgan.trainer(k)),
    datasets,
    batchSize: settings.batchSize,
    images: Math.min(settings.limit, images.shape[0]),
    lossNames: levels.flatMap((k) => [`D level ${k}`, `G level ${k}`]),
    snapshot: async (step) => {
      const grids = await sampleGrids(
        step,
        lapgan.sample({ count: gridCount, seed: step + 1, ema: false }),
        lapgan.sample({ count: gridCount, seed: fixedNoiseSeed, ema: false }),
      );
      return { ...grids, pyramid: await pyramidView(lapgan) };
    },
    files: async (dataset: TrainDataset, learningRates: LearningRates) => {
      // What `ganforge train lapgan` writes: one checkpoint per level, each with the run's settings.
      const run = { ...settings, dataset, learningRate: learningRates.generator };
      const files: Record<string, Uint8Array> = {};
      for (const k of levels) files[levelFile(k)] = encodeCheckpoint(await lapgan.checkpointLevel(k, { run }));
      return files;
    },
    dispose,
  };
}

/**
 * A few fixed-noise samples level by level, coarse to fine: the upsampled coarser image l_k, the
 * residual the level's generator adds (read back as refined - l_k, i.e. after the clip to [-1, 1]),
 * and the refined image.
 */
async function pyramidView(lapgan: LapGan): Promise<PyramidLevelView[]> {
  const { images, levels } = lapgan.sample({
    count: pyramidCount,
    seed: fixedNoiseSeed,
    ema: false,
    returnLevels: true,
  });
  const row = (batch: tf.Tensor) => tileImages(batch, { columns: pyramidCount, padding: 1 });
  const views: PyramidLevelView[] = [];
  try {
    for (let k = 0; k < levels.length; k++) {
      const [height, width] = lapgan.sizes[k]!;
      const refined = await row(levels[k]!);
      if (k === levels.length - 1) {
        views.push({ level: k, height, width, refined });
        continue;
      }
      const coarse = pyrUp(levels[k + 1]!, [height, width]);
      const residual = tf.sub(levels[k]!, coarse);
      // Residuals are small: scale them so the largest fills [-1, 1] around mid grey (0).
      const peak = tf.tidy(() => tf.max(tf.abs(residual)));
      const largest = (await peak.data())[0]!;
      peak.dispose();
      const residualScale = largest > 1e-6 ? 1 / largest : 1;
      const shown = tf.mul(residual, residualScale);
      try {
        views.push({
          level: k,
          height,
          width,
          coarse: await row(coarse),
          residual: await row(shown),
          residualScale,
          refined,
        });
      } finally {
        tf.dispose([coarse, residual, shown]);
      }
    }
  } finally {
    tf.dispose([images, ...levels]);
  }
  return views;
}
