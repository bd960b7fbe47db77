import { join } from 'node:path';

import { Command, Option } from 'commander';

import {
  adversarialLossNames,
  type Checkpoint,
  InvalidArgumentError,
  lossByName,
  type OptimizerConfig,
  type TrainingSummary,
} from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import { loadImageFolder, loadMnist, saveImageGrid } from '@ganforge/data/node';
import { LapGan, lapganLevel, maxPyramidLevels } from '@ganforge/laplacian';
import * as tf from '@tensorflow/tfjs';

import { startBackend } from '../backend-option.js';
import { interruptSignal } from '../interrupt-signal.js';
import { integerChoiceOption, integerOption, positiveNumberOption } from '../option-parsers.js';
import { trainingProgress } from '../progress.js';
import { addRunOptions, assertBatchFitsData, assertStopCondition, runSchedule } from '../run-options.js';
import { assertDatasetFitsModel, assertDatasetSource, imageFolderFlags, mnistVariants } from '../dcgan-run.js';
import { namingFlags } from '../flag-names.js';
import { holdingRunFolder } from '../run-folder-lock.js';
import {
  assertWidthsWithinWeights,
  lapganLevelSchema,
  lapganRunSchema,
  parseCheckpointMetadata,
  runLimits,
} from '../run-metadata.js';
import {
  assertOutFitsResume,
  checkpointForNewData,
  explicitFlags,
  imageGanResumeRules,
  reportResume,
  type ResumeRules,
  resumeRun,
} from '../resume-settings.js';
import { writeLapGanGrids } from './sample-lapgan.js';

/** Everything that defines a LAPGAN run; stored in every level checkpoint (`metadata.run`) so `sample` and `--resume` can rebuild it. */
export interface LapGanRunOptions {
  readonly model: 'lapgan';
  readonly dataset: string;
  readonly size: number;
  readonly channels: number;
  readonly levels: number;
  readonly filters: number;
  readonly kernelSize: number;
  readonly hiddenUnits: number;
  readonly conditional: boolean;
  readonly loss: string;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly limit?: number;
}

export interface LapGanTrainingOptions {
  readonly out: string;
  /** Levels to train, in this order (default: all, coarsest first). */
  readonly levels?: readonly number[];
  /** Train each level until it has this many steps in total. */
  readonly steps?: number;
  /** Stop each level after this long. */
  readonly durationMs?: number;
  readonly resume: boolean;
  readonly sampleEvery: number;
  readonly checkpointEvery: number;
  readonly signal?: AbortSignal;
  readonly quiet?: boolean;
  /**
   * The flags the user gave explicitly (e.g. `'--lr'`). On resume each one whose value differs from
   * a level checkpoint's is applied and reported or refused, by {@link lapganResumeRules}; the other
   * settings come from the checkpoints. Default: none.
   */
  readonly explicit?: ReadonlySet<string>;
}

const architecture = 'the level checkpoints hold weights of this shape';

/** What each LAPGAN setting may do on `--resume` (see {@link resumeRun}). */
export const lapganResumeRules: ResumeRules<LapGanRunOptions> = {
  ...imageGanResumeRules(architecture),
  model: null,
  levels: { flag: '--levels', change: 'refuse', reason: 'the run has one checkpoint per pyramid level' },
  kernelSize: { flag: '--kernel-size', change: 'refuse', reason: architecture },
  hiddenUnits: { flag: '--hidden-units', change: 'refuse', reason: architecture },
};

/**
 * The LAPGAN a run describes (the CLI's default level models). `levelRun` gives a level its own
 * trainer settings (loss, learning rate), e.g. those its checkpoint records; default `run`.
 */
export function buildLapGan(run: LapGanRunOptions, levelRun: (level: number) => LapGanRunOptions = () => run): LapGan {
  const level = (settings: LapGanRunOptions) => {
    // DCGAN sec. 4: Adam with beta1 = 0.5, for every level.
    const optimizer: OptimizerConfig = {
      type: 'adam',
      learningRate: settings.learningRate,
      beta1: 0.5,
      beta2: 0.999,
    };
    return lapganLevel({
      filters: run.filters,
      kernelSize: run.kernelSize,
      hiddenUnits: run.hiddenUnits,
      trainer: {
        loss: lossByName(settings.loss),
        generatorOptimizer: optimizer,
        discriminatorOptimizer: optimizer,
        ema: { decay: 0.999 },
      },
    });
  };
  return new LapGan({
    imageShape: [run.size, run.size, run.channels],
    levels: Array.from({ length: run.levels }, (_, k) => level(levelRun(k))),
    ...(run.conditional ? { classes: 10 } : {}),
    seed: run.seed,
  });
}

async function loadImages(run: LapGanRunOptions): Promise<{ images: tf.Tensor4D; labels?: Int32Array }> {
  if (mnistVariants.has(run.dataset)) {
    if (run.size !== 28 || run.channels !== 1) {
      throw new InvalidArgumentError('--size', `28 with 1 channel for ${run.dataset}`, run.size);
    }
    const split = loadMnist({ variant: run.dataset as 'mnist' | 'fashion-mnist', split: 'train', limit: run.limit });
    return { images: split.images, labels: split.labels };
  }
  if (run.conditional) {
    throw new InvalidArgumentError('--conditional', 'a labelled data set (mnist or fashion-mnist)', run.dataset);
  }
  const { images } = await namingFlags(imageFolderFlags, () =>
    loadImageFolder(run.dataset, {
      size: run.size,
      channels: run.channels === 1 ? 1 : 3,
      limit: run.limit,
    }),
  );
  return { images: images as tf.Tensor4D };
}

/** The run's level checkpoints by level, each with its record range-checked (before anything is built from it). */
async function levelCheckpoints(store: FileCheckpointStore, folder: string): Promise<Map<number, Checkpoint>> {
  const checkpoints = new Map<number, Checkpoint>();
  for (const name of await store.list()) {
    const level = /^level-(\d+)$/.exec(name)?.[1];
    const checkpoint = level === undefined ? undefined : await store.load(name);
    if (checkpoint) {
      const source = `${folder}/${name}.gfckpt`;
      const recorded = parseCheckpointMetadata(checkpoint, 'run', lapganRunSchema, source, '`ganforge train lapgan`');
      const spec = parseCheckpointMetadata(checkpoint, 'lapgan', lapganLevelSchema, source, '`ganforge train lapgan`');
      // The coarsest level is an MLP (hidden units), the finer ones are convolutions (filters).
      const widths = spec.level === spec.levels - 1 ? ['hiddenUnits'] : ['filters'];
      assertWidthsWithinWeights(checkpoint, recorded, widths, source);
      checkpoints.set(Number(level), checkpoint);
    }
  }
  return checkpoints;
}

/**
 * Trains (or resumes) the levels of a LAPGAN run, one after the other, each into its own checkpoint
 * `level-<k>.gfckpt` in `training.out`; when every level has a checkpoint, writes `samples.png` and
 * `levels.png` (each image growing from the coarsest level to the finest). The run folder is held
 * locked meanwhile (see {@link holdingRunFolder}).
 */
export async function trainLapGan(
  run: LapGanRunOptions,
  training: LapGanTrainingOptions,
): Promise<{ level: number; summary: TrainingSummary }[]> {
  return holdingRunFolder(training.out, () => trainLapGanInLockedFolder(run, training));
}

async function trainLapGanInLockedFolder(run: LapGanRunOptions, training: LapGanTrainingOptions) {
  const store = new FileCheckpointStore(training.out);
  const checkpoints = await levelCheckpoints(store, training.out);
  const existing = checkpoints.values().next().value;
  assertOutFitsResume(existing, training.resume, training.out, 'a LAPGAN run');
  const explicit = training.explicit ?? new Set<string>();
  // Shared settings (architecture, data) from the run's record; each level's trainer settings from
  // its own checkpoint (a level may have been resumed with another --lr before), flags applied over both.
  const shared = existing
    ? resumeRun(existing.metadata['run'] as LapGanRunOptions, run, explicit, lapganResumeRules)
    : undefined;
  const options = shared?.run ?? run;
  await assertDatasetSource(options.dataset);
  // Checked on the settings the run goes on with (on resume, the recorded size, not the default).
  if (options.levels > maxPyramidLevels(options.size, options.size)) {
    throw new InvalidArgumentError(
      '--levels',
      `at most ${maxPyramidLevels(options.size, options.size)} for ${options.size}x${options.size} images`,
      options.levels,
    );
  }
  const resumedLevels = new Map(
    [...checkpoints].map(([level, checkpoint]) => [
      level,
      resumeRun(checkpoint.metadata['run'] as LapGanRunOptions, run, explicit, lapganResumeRules),
    ]),
  );
  if (shared?.dataChanged) assertDatasetFitsModel(options);
  const lapgan = buildLapGan(options, (level) => ({
    ...options,
    ...pickTrainerSettings(resumedLevels.get(level)?.run),
  }));
  const levels = training.levels ?? Array.from({ length: lapgan.levelCount }, (_, k) => lapgan.levelCount - 1 - k);
  for (const level of levels) {
    if (!Number.isInteger(level) || level < 0 || level >= lapgan.levelCount) {
      throw new InvalidArgumentError(
        '--level',
        `a level from 0 (finest) to ${lapgan.levelCount - 1} (coarsest)`,
        level,
      );
    }
  }
  const { images, labels } = await loadImages(options);
  const summaries: { level: number; summary: TrainingSummary }[] = [];
  try {
    for (const level of levels) {
      if (training.signal?.aborted) break;
      const previous = checkpoints.get(level);
      const resumed = resumedLevels.get(level);
      const levelOptions = { ...options, ...pickTrainerSettings(resumed?.run) };
      if (previous) {
        await lapgan.restoreLevel(level, checkpointForNewData(previous, resumed!));
        reportResume(resumed!.changes, `level ${level}: `);
      }
      checkpoints.delete(level);
      const trainer = lapgan.trainer(level);
      const steps = training.steps === undefined ? undefined : Math.max(0, training.steps - trainer.step);
      const data = lapgan.levelDataset(level, images, options.conditional ? { labels } : {});
      try {
        assertBatchFitsData(levelOptions.batchSize, data.size, 'training images');
      } catch (error) {
        data.dispose();
        throw error;
      }
      // Progress grids show the level on real coarser images: l_k + G_k(z, l_k) (the image itself at the coarsest level).
      const preview = await previewConditions(data, lapgan.spec(level).coarsest, options.channels);
      const [height, width] = lapgan.sizes[level]!;
      if (!training.quiet) console.log(`level ${level} (${height}x${width}):`);
      const progress = training.quiet
        ? undefined
        : trainingProgress({ totalSteps: training.steps, durationMs: training.durationMs, startStep: trainer.step });
      try {
        const summary = await lapgan.fitLevel(level, data, {
          batchSize: levelOptions.batchSize,
          steps,
          durationMs: training.durationMs,
          signal: training.signal,
          samples: {
            every: training.sampleEvery,
            count: preview.condition?.shape[0] ?? 64,
            condition: preview.condition,
            ema: true,
          },
          checkpoints: { store, every: training.checkpointEvery, metadata: { run: levelOptions } },
          onStep: (event) => progress?.update(event),
          onSample: async ({ step, images: generated }) => {
            const shown = tf.tidy(() => (preview.upsampled ? tf.add(preview.upsampled, generated) : generated));
            const name = `level-${level}-step-${String(step).padStart(6, '0')}.png`;
            await saveImageGrid(shown, join(training.out, 'samples', name));
            shown.dispose();
          },
        });
        summaries.push({ level, summary });
      } finally {
        progress?.stop();
        tf.dispose([preview.condition, preview.upsampled].filter((t): t is tf.Tensor => t !== undefined));
        data.dispose();
      }
    }
  } finally {
    images.dispose();
    lapgan.dispose();
  }
  const complete = (await store.list()).filter((name) => /^level-\d+$/.test(name)).length === lapgan.levelCount;
  if (complete)
    await writeLapGanGrids(training.out, join(training.out, 'samples.png'), { count: 64, seed: 0, ema: true });
  return summaries;
}

/** A level's own trainer settings (those its checkpoint records, with the applied flags). */
function pickTrainerSettings(run: LapGanRunOptions | undefined) {
  return run === undefined ? {} : { loss: run.loss, learningRate: run.learningRate, batchSize: run.batchSize };
}

/** 64 fixed real conditions of a level, and the upsampled coarser images they start with (finer levels). */
async function previewConditions(
  data: ReturnType<LapGan['levelDataset']>,
  coarsest: boolean,
  channels: number,
): Promise<{ condition?: tf.Tensor; upsampled?: tf.Tensor }> {
  for await (const batch of data.batches(Math.min(64, data.size), { seed: 0 })) {
    batch.real.dispose();
    if (!batch.condition) return {};
    if (coarsest) return { condition: batch.condition };
    const upsampled = tf.tidy(() => batch.condition!.slice([0, 0, 0, 0], [-1, -1, -1, channels]));
    return { condition: batch.condition, upsampled };
  }
  return {};
}

/** `ganforge train lapgan`: registered in the `train` command group. */
export function trainLapGanCommand(): Command {
  return addRunOptions(
    new Command('lapgan')
      .description(
        'Train a LAPGAN (Denton et al. 2015): one GAN per Laplacian pyramid level, each level on its own, coarse to fine.',
      )
      .requiredOption('--dataset <name|folder>', "'mnist', 'fashion-mnist', or a folder of PNG/JPEG images")
      .requiredOption('--out <folder>', 'run folder for level checkpoints and sample grids (e.g. runs/lapgan)')
      .option('--steps <n>', 'train each level until it has this many steps', integerOption(1))
      .option('--minutes <m>', 'stop each level after this many minutes', positiveNumberOption)
      .option('--level <k>', 'train only this level (0 = finest), e.g. on another machine', integerOption(0))
      .option('--resume', 'continue the run in --out from its level checkpoints', false)
      .option('--levels <n>', 'pyramid levels (28 -> 14 -> 7 is 3)', integerOption(...runLimits.lapganLevels), 3)
      .option(
        '--size <px>',
        'image side for folders (MNIST variants are 28)',
        integerOption(...runLimits.lapganSize),
        28,
      )
      .option('--channels <n>', 'image channels for folders (1 or 3)', integerChoiceOption([1, 3]), 1)
      .option('--filters <n>', 'convolution filters of the finer levels', integerOption(...runLimits.lapganFilters), 32)
      .option(
        '--kernel-size <n>',
        'convolution kernel size of the finer levels',
        integerOption(...runLimits.lapganKernelSize),
        3,
      )
      .option(
        '--hidden-units <n>',
        "hidden units of the coarsest level's generator MLP (D: half)",
        integerOption(...runLimits.lapganHiddenUnits),
        512,
      )
      .option('--batch-size <n>', 'batch size', integerOption(...runLimits.batchSize), 32)
      .option('--lr <rate>', 'Adam learning rate', positiveNumberOption, 2e-4)
      .addOption(
        new Option('--loss <name>', 'adversarial loss').choices([...adversarialLossNames]).default('non-saturating'),
      )
      .option('--conditional', 'class-conditional (every level sees the label); MNIST variants only', false)
      .option('--limit <n>', 'use only the first n training images', integerOption(1)),
    { sampleEvery: 200, checkpointEvery: 500, perLevel: true },
  ).action(async (options: Record<string, unknown>, command: Command) => {
    assertStopCondition(options);
    await startBackend(options);
    const summaries = await trainLapGan(
      {
        model: 'lapgan',
        dataset: options['dataset'] as string,
        size: options['size'] as number,
        channels: options['channels'] as number,
        levels: options['levels'] as number,
        filters: options['filters'] as number,
        kernelSize: options['kernelSize'] as number,
        hiddenUnits: options['hiddenUnits'] as number,
        conditional: options['conditional'] as boolean,
        loss: options['loss'] as string,
        learningRate: options['lr'] as number,
        batchSize: options['batchSize'] as number,
        seed: options['seed'] as number,
        limit: options['limit'] as number | undefined,
      },
      {
        out: options['out'] as string,
        levels: options['level'] === undefined ? undefined : [options['level'] as number],
        ...runSchedule(options),
        signal: interruptSignal(),
        explicit: explicitFlags(command),
      },
    );
    const trained = summaries.map(
      ({ level, summary }) => `level ${level}: ${summary.stepsRun} steps (${summary.step} in total)`,
    );
    console.log(`Trained ${trained.join(', ')}. Checkpoints: ${options['out']}/level-<k>.gfckpt`);
  });
}
