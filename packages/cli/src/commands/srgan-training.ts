import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  type Checkpoint,
  CheckpointError,
  deserializeModel,
  InvalidArgumentError,
  type TrainingSummary,
} from '@ganforge/core';
import { FileCheckpointStore, writeFileAtomically } from '@ganforge/core/node';
import {
  saveUpscalingModel,
  srganDiscriminator,
  srganTrainer,
  srresnet,
  srresnetReceptiveRadius,
  type SrresnetScale,
  SuperResolutionDataset,
  trainSrresnet,
  type SrresnetTrainingSummary,
  vgg19FeatureExtractor,
} from '@ganforge/srgan';
import { fileSystemHandler, loadPhotos, resolveUpscalingModel } from '@ganforge/srgan/node';
import * as tf from '@tensorflow/tfjs';
import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';

import { backendOption, startBackend, threadsOption } from '../backend-option.js';
import { cappedTotalSteps } from '../progress.js';
import { interruptSignal } from '../interrupt-signal.js';
import { namingFlags } from '../flag-names.js';
import { assertExistingFolder } from '../input-paths.js';
import { integerOption, nonNegativeNumberOption, positiveNumberOption } from '../option-parsers.js';
import { holdingRunFolder } from '../run-folder-lock.js';
import { parseCheckpointMetadata, runLimits, srganRunSchema, upscalingMetadataSchema } from '../run-metadata.js';
import {
  assertOutFitsResume,
  checkpointForNewData,
  explicitFlags,
  refuseStartOnlyFlags,
  reportResume,
  type ResumeRules,
  resumeRun,
  seedResumeRule,
} from '../resume-settings.js';
import { assertBatchFitsData, assertStopCondition } from '../run-options.js';

/** Options shared by `train srresnet` and `train srgan`. */
interface SuperResolutionCommonOptions {
  images: string;
  out: string;
  include?: string;
  exclude?: string;
  steps?: number;
  minutes?: number;
  scale: string;
  crop: number;
  batchSize: number;
  cropsPerEpoch?: number;
  lr: number;
  seed: number;
  backend?: string;
}

/** The options of `train srgan` that define the run (recorded in its checkpoints as `metadata.run`). */
export interface SrganRunOptions {
  images: string;
  include?: string;
  exclude?: string;
  scale: string;
  crop: number;
  batchSize: number;
  cropsPerEpoch?: number;
  lr: number;
  seed: number;
  init?: string;
  blocks: number;
  filters: number;
  discriminatorFilters: number;
  content: string;
  vggWeights?: string;
  adversarialWeight: number;
  tvWeight: number;
}

const generatorShape = "the checkpoint's generator has this shape";

/** What each `train srgan` setting may do on `--resume` (see {@link resumeRun}). */
export const srganResumeRules: ResumeRules<SrganRunOptions> = {
  images: { flag: '--images', change: 'data' },
  include: { flag: '--include', change: 'data' },
  exclude: { flag: '--exclude', change: 'data' },
  scale: { flag: '--scale', change: 'refuse', reason: generatorShape },
  crop: { flag: '--crop', change: 'refuse', reason: "the discriminator's input is crop x crop" },
  batchSize: { flag: '--batch-size', change: 'data' },
  cropsPerEpoch: { flag: '--crops-per-epoch', change: 'data' },
  lr: { flag: '--lr', change: 'apply' },
  seed: seedResumeRule,
  init: { flag: '--init', change: 'refuse', reason: 'the generator goes on from the checkpoint' },
  blocks: { flag: '--blocks', change: 'refuse', reason: generatorShape },
  filters: { flag: '--filters', change: 'refuse', reason: generatorShape },
  discriminatorFilters: {
    flag: '--discriminator-filters',
    change: 'refuse',
    reason: "the checkpoint's discriminator has this shape",
  },
  content: { flag: '--content', change: 'apply' },
  vggWeights: { flag: '--vgg-weights', change: 'apply' },
  adversarialWeight: { flag: '--adversarial-weight', change: 'apply' },
  tvWeight: { flag: '--tv-weight', change: 'apply' },
};

/** The run-defining options, without the schedule (--steps, --minutes), --out and --backend. */
function srganRunOf(options: object): SrganRunOptions {
  if (typeof options !== 'object' || options === null) return options;
  const run: Record<string, unknown> = {};
  for (const key of Object.keys(srganResumeRules)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) run[key] = value;
  }
  return run as unknown as SrganRunOptions;
}

/**
 * With --init the generator (and so its architecture) comes from the --init run: an explicit
 * --blocks or --filters must match what that run recorded in its run.json, or is refused.
 */
async function checkInitArchitecture(init: string, options: Record<string, unknown>, explicit: ReadonlySet<string>) {
  const rules: ResumeRules<{ blocks: number; filters: number }> = {
    blocks: { flag: '--blocks', change: 'refuse', reason: 'the --init model has this many residual blocks' },
    filters: { flag: '--filters', change: 'refuse', reason: 'the --init model has this many feature maps' },
  };
  const recorded = await readFile(join(init, 'run.json'), 'utf8').then(
    (text) => (JSON.parse(text) as { options?: { blocks?: number; filters?: number } }).options,
    () => undefined,
  );
  if (recorded?.blocks === undefined || recorded.filters === undefined) {
    refuseStartOnlyFlags(explicit, {
      '--blocks': `the architecture comes from the --init model, and ${join(init, 'run.json')} does not record it`,
      '--filters': `the architecture comes from the --init model, and ${join(init, 'run.json')} does not record it`,
    });
    return;
  }
  resumeRun({ blocks: recorded.blocks, filters: recorded.filters }, options as never, explicit, rules);
}

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);

function addCommonOptions(command: Command): Command {
  return command
    .requiredOption('--images <folder>', 'folder of high-resolution PNG/JPEG photos to crop training pairs from')
    .requiredOption('--out <folder>', 'run folder: the generator is written to <out>/model (tfjs layers format)')
    .option('--include <files>', 'comma-separated file names to train on (default: all)')
    .option('--exclude <files>', 'comma-separated file names to leave out (e.g. your test photos)')
    .option('--steps <n>', 'stop after this many steps', integerOption(1))
    .option('--minutes <m>', 'stop after this many minutes', positiveNumberOption)
    .addOption(new Option('--scale <n>', 'upscaling factor').choices(['2', '4', '8']).default('4'))
    .option('--crop <px>', 'side of the high-resolution crops (SRGAN: 96)', integerOption(...runLimits.srganCrop), 96)
    .option('--batch-size <n>', 'crops per step (SRGAN: 16)', integerOption(...runLimits.batchSize), 16)
    .option('--crops-per-epoch <n>', 'crops per pass over the photos (default 16 per photo)', integerOption(1))
    .option('--lr <rate>', 'Adam learning rate (SRGAN: 1e-4)', positiveNumberOption, 1e-4)
    .option('--seed <n>', 'seed of all randomness', integerOption(...runLimits.seed), 0)
    .addOption(backendOption())
    .addOption(threadsOption());
}

/** Checks, before any model is built, the folders a super-resolution run reads. */
async function assertTrainingFolders(options: { images: string; init?: string }): Promise<void> {
  await assertExistingFolder('--images', options.images, 'a folder of PNG/JPEG photos');
  if (options.init) {
    await assertExistingFolder('--init', options.init, 'a run folder of `ganforge train srresnet`');
  }
}

async function loadTrainingData(options: SuperResolutionCommonOptions): Promise<SuperResolutionDataset> {
  assertStopCondition(options);
  const { images, paths } = await namingFlags(
    { folder: '--images', directory: '--images', path: '--images', 'options.minSize': '--crop' },
    () =>
      loadPhotos(options.images, {
        include: list(options.include),
        exclude: list(options.exclude),
        minSize: options.crop,
      }),
  );
  console.error(`[ganforge] training on ${paths.length} photos: ${paths.map((p) => p.split('/').at(-1)).join(', ')}`);
  const dataset = new SuperResolutionDataset({
    images,
    cropSize: options.crop,
    scale: Number(options.scale),
    cropsPerEpoch: options.cropsPerEpoch ?? Math.max(16 * images.length, options.batchSize),
  });
  tf.dispose(images);
  try {
    assertBatchFitsData(options.batchSize, dataset.size, 'crops per epoch (--crops-per-epoch)');
  } catch (error) {
    dataset.dispose();
    throw error;
  }
  return dataset;
}

/**
 * A cli-progress bar on a terminal; elsewhere (logs, CI) one plain line every 10 s. `steps` is the
 * `--steps` total, shown after the `GANFORGE_MAX_STEPS` cap; `startStep` where a resumed run starts.
 */
function progressBar(steps: number | undefined, durationMs: number | undefined, label: string, startStep = 0) {
  const total = cappedTotalSteps(steps, startStep);
  const byTime = total === undefined;
  const started = Date.now();
  const limit = byTime ? Math.round((durationMs ?? 0) / 1000) : total;
  if (!process.stderr.isTTY) {
    let lastLine = 0;
    return {
      update(step: number, stepsPerSecond: number, losses: string) {
        if (Date.now() - lastLine < 10_000) return;
        lastLine = Date.now();
        const elapsed = Math.round((Date.now() - started) / 1000);
        console.error(
          `${label} step ${step}${byTime ? '' : `/${total}`} | ${elapsed} s | ${stepsPerSecond.toFixed(2)} steps/s | ${losses}`,
        );
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: byTime
        ? `${label} |{bar}| {value}/{total} s | step {step} | {speed} steps/s | {losses}`
        : `${label} |{bar}| step {value}/{total} | {speed} steps/s | ETA {eta_formatted} | {losses}`,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(limit, byTime ? 0 : startStep, { step: startStep, speed: '-', losses: '' });
  return {
    update(step: number, stepsPerSecond: number, losses: string) {
      const value = byTime ? Math.min(limit, Math.round((Date.now() - started) / 1000)) : step;
      bar.update(value, { step, speed: stepsPerSecond.toFixed(2), losses });
    },
    stop: () => bar.stop(),
  };
}

/** `ganforge train srresnet`: SRResNet pre-training on pixel MSE (SRGAN sec. 3.2). */
export async function trainSrresnetRun(
  options: SuperResolutionCommonOptions & { blocks: number; filters: number; init?: string },
  explicit: ReadonlySet<string> = new Set(),
): Promise<SrresnetTrainingSummary> {
  assertStopCondition(options);
  return holdingRunFolder(options.out, () => trainSrresnetInLockedFolder(options, explicit));
}

async function trainSrresnetInLockedFolder(
  options: Parameters<typeof trainSrresnetRun>[0],
  explicit: ReadonlySet<string>,
): Promise<SrresnetTrainingSummary> {
  await assertTrainingFolders(options);
  if (options.init) await checkInitArchitecture(options.init, options as never, explicit);
  await startBackend(options);
  const scale = Number(options.scale) as SrresnetScale;
  let padding = srresnetReceptiveRadius({ blocks: options.blocks, scale });
  let generator: tf.LayersModel;
  if (options.init) {
    // Continue from an earlier run's weights (a fresh optimizer: Adam's moments are not saved with the model).
    const initial = await resolveUpscalingModel(join(options.init, 'model'));
    if (initial.scale !== undefined && initial.scale !== scale) {
      throw new InvalidArgumentError('--scale', `${initial.scale}, the scale of the --init model`, scale);
    }
    generator = initial.model;
    padding = initial.padding ?? padding;
  } else {
    generator = srresnet({ blocks: options.blocks, filters: options.filters, scale, seed: options.seed });
  }
  const dataset = await loadTrainingData(options);
  const progress = progressBar(options.steps, options.minutes && options.minutes * 60_000, 'srresnet');
  const signal = interruptSignal();
  try {
    const summary = await trainSrresnet(generator, dataset, {
      batchSize: options.batchSize,
      steps: options.steps,
      durationMs: options.minutes === undefined ? undefined : options.minutes * 60_000,
      learningRate: options.lr,
      seed: options.seed,
      signal,
      onStep: ({ step, loss, stepsPerSecond }) => progress.update(step, stepsPerSecond, `MSE ${loss.toFixed(4)}`),
    });
    progress.stop();
    await saveUpscalingModel(generator, fileSystemHandler(join(options.out, 'model')), { scale, padding });
    await writeRunFile(options.out, { command: 'train srresnet', options, summary });
    return summary;
  } finally {
    progress.stop();
    dataset.dispose();
    generator.dispose();
  }
}

/** `ganforge train srgan`: SRGAN fine-tuning on the core trainer, from an SRResNet run or from scratch. */
export async function trainSrganRun(
  options: SuperResolutionCommonOptions & {
    init?: string;
    blocks: number;
    filters: number;
    discriminatorFilters: number;
    content: string;
    vggWeights?: string;
    adversarialWeight: number;
    tvWeight: number;
    resume: boolean;
  },
  explicit: ReadonlySet<string> = new Set(),
): Promise<TrainingSummary> {
  assertStopCondition(options);
  return holdingRunFolder(options.out, () => trainSrganInLockedFolder(options, explicit));
}

async function trainSrganInLockedFolder(
  options: Parameters<typeof trainSrganRun>[0],
  explicit: ReadonlySet<string>,
): Promise<TrainingSummary> {
  const store = new FileCheckpointStore(options.out);
  const existing = await store.load('latest');
  assertOutFitsResume(existing, options.resume, options.out, 'a checkpoint');
  // The record is range-checked before any model is built from it.
  const recorded = existing
    ? (parseCheckpointMetadata(
        existing,
        'run',
        srganRunSchema,
        options.out,
        '`ganforge train srgan`',
      ) as SrganRunOptions)
    : undefined;
  const upscaling =
    existing?.metadata['upscaling'] === undefined
      ? undefined
      : parseCheckpointMetadata(existing, 'upscaling', upscalingMetadataSchema, options.out, '`ganforge train srgan`');
  // On resume the checkpoint's settings win, except the flags given explicitly (applied or refused).
  const resumed = recorded
    ? resumeRun(srganRunOf(recorded), srganRunOf(options), explicit, srganResumeRules)
    : undefined;
  if (resumed) options = { ...options, ...resumed.run };
  await assertTrainingFolders({ images: options.images, init: resumed ? undefined : options.init });
  if (!resumed && options.init) await checkInitArchitecture(options.init, options as never, explicit);
  await startBackend(options);
  reportResume(resumed?.changes ?? []);
  const scale = Number(options.scale) as SrresnetScale;
  let generator: tf.LayersModel;
  let padding = srresnetReceptiveRadius({ blocks: options.blocks, scale });
  if (existing) {
    // The checkpoint's own generator topology (its weights are loaded by restore below), so a resume
    // needs neither the --init folder nor the flags that built it.
    generator = await deserializeModel(existing.generator, { label: 'checkpoint.generator' });
    padding = upscaling?.padding ?? padding;
  } else if (options.init) {
    const initial = await resolveUpscalingModel(join(options.init, 'model'));
    if (initial.scale !== undefined && initial.scale !== scale) {
      throw new InvalidArgumentError('--scale', `${initial.scale}, the scale of the --init model`, scale);
    }
    generator = initial.model;
    padding = initial.padding ?? padding;
  } else {
    generator = srresnet({ blocks: options.blocks, filters: options.filters, scale, seed: options.seed });
  }
  const content =
    options.content === 'mse'
      ? 'mse'
      : await vgg19FeatureExtractor({
          weights: requireVggWeights(options.vggWeights),
          layer: options.content,
        });
  // On resume the discriminator, like the generator, comes from the checkpoint's topology (within
  // its weights' budget), not from the record's sizes; its input must be the recorded crop.
  const discriminator = existing
    ? await resumedDiscriminator(existing, options.crop, options.out)
    : srganDiscriminator({ size: options.crop, filters: options.discriminatorFilters, seed: options.seed });
  const trainer = srganTrainer({
    generator,
    discriminator,
    content,
    adversarialWeight: options.adversarialWeight,
    totalVariationWeight: options.tvWeight,
    learningRate: options.lr,
    seed: options.seed,
  });
  if (existing) await trainer.restore(checkpointForNewData(existing, resumed!));
  const dataset = await loadTrainingData(options);
  const steps = options.steps === undefined ? undefined : Math.max(0, options.steps - trainer.step);
  const durationMs = options.minutes === undefined ? undefined : options.minutes * 60_000;
  const progress = progressBar(options.steps, durationMs, 'srgan', trainer.step);
  const tiling = { scale, padding };
  try {
    const summary = await trainer.fit(dataset, {
      batchSize: options.batchSize,
      steps,
      durationMs,
      signal: interruptSignal(),
      checkpoints: { store, every: 100, metadata: { upscaling: tiling, run: srganRunOf(options) } },
      onStep: (event) =>
        progress.update(
          event.step,
          event.stepsPerSecond,
          `D ${event.discriminatorLoss.toFixed(3)} adv ${event.terms['adversarial']!.toFixed(3)} content ${Object.entries(
            event.terms,
          )
            .find(([name]) => name.startsWith('content'))![1]
            .toFixed(4)}`,
        ),
    });
    progress.stop();
    await saveUpscalingModel(generator, fileSystemHandler(join(options.out, 'model')), tiling);
    await writeRunFile(options.out, { command: 'train srgan', options, summary });
    return summary;
  } finally {
    progress.stop();
    dataset.dispose();
    trainer.dispose();
    if (typeof content === 'object') content.dispose();
  }
}

async function resumedDiscriminator(checkpoint: Checkpoint, crop: number, source: string): Promise<tf.LayersModel> {
  const discriminator = await deserializeModel(checkpoint.discriminator, { label: 'checkpoint.discriminator' });
  const input = discriminator.inputs[0]?.shape;
  if (input?.[1] !== crop || input[2] !== crop) {
    discriminator.dispose();
    throw new CheckpointError(
      `${source}: metadata.run.crop: expected ${input?.[1]}, the input side of the checkpoint's discriminator, received ${crop}.`,
      { code: 'CHECKPOINT_MISMATCH' },
    );
  }
  return discriminator;
}

function requireVggWeights(weights: string | undefined): string {
  if (!weights) {
    throw new InvalidArgumentError(
      '--vgg-weights',
      'a URL or file:// path to VGG19 weights in tfjs layers format for a VGG content loss',
      weights,
      'GANForge ships no VGG19 weights; use --content mse, or convert Keras VGG19 with tensorflowjs_converter.',
    );
  }
  return /^[a-z]+:\/\//.test(weights) ? weights : `file://${join(process.cwd(), weights)}`;
}

async function writeRunFile(out: string, record: Record<string, unknown>): Promise<void> {
  await writeFileAtomically(
    join(out, 'run.json'),
    JSON.stringify({ ...record, finishedAt: new Date().toISOString() }, null, 2),
  );
}

/** Adds `srresnet` and `srgan` to `ganforge train`. */
export function addSuperResolutionTrainCommands(train: Command): void {
  addCommonOptions(
    train
      .command('srresnet')
      .description('Pre-train an SRResNet (Ledig et al. 2016) on pixel MSE from random crops of a folder of photos.'),
  )
    .option('--blocks <n>', 'residual blocks (SRGAN: 16)', integerOption(...runLimits.srresnetBlocks), 16)
    .option('--filters <n>', 'feature maps (SRGAN: 64)', integerOption(...runLimits.srganFilters), 64)
    .option('--init <run>', 'continue from the weights of an earlier `train srresnet` run')
    .action(async (options: Parameters<typeof trainSrresnetRun>[0], command: Command) => {
      const summary = await trainSrresnetRun(options, explicitFlags(command));
      console.log(
        `Trained ${summary.steps} steps (stopped by ${summary.stoppedBy}) in ${(summary.durationMs / 1000).toFixed(0)} s, ` +
          `last MSE ${summary.lastLoss.toFixed(4)}. Model: ${join(options.out, 'model')}`,
      );
    });
  addCommonOptions(
    train
      .command('srgan')
      .description('Train SRGAN (content loss + 1e-3 x adversarial), fine-tuning an SRResNet run given by --init.'),
  )
    .option('--init <run>', 'an SRResNet run folder (from `ganforge train srresnet`) to start the generator from')
    .option(
      '--blocks <n>',
      'residual blocks when not starting from --init',
      integerOption(...runLimits.srresnetBlocks),
      16,
    )
    .option('--filters <n>', 'feature maps when not starting from --init', integerOption(...runLimits.srganFilters), 64)
    .option(
      '--discriminator-filters <n>',
      'filters of the first discriminator layers (SRGAN: 64)',
      integerOption(...runLimits.srganFilters),
      64,
    )
    .option('--content <loss>', "content loss: 'mse', 'vgg22', 'vgg54' or a VGG19 layer name", 'mse')
    .option('--vgg-weights <url|path>', 'VGG19 weights (tfjs layers model.json) for a VGG content loss')
    .option('--adversarial-weight <w>', 'weight of -log D(G(LR)) (SRGAN: 1e-3)', positiveNumberOption, 1e-3)
    .option('--tv-weight <w>', 'weight of a total-variation term', nonNegativeNumberOption, 0)
    .option('--resume', 'continue the run in --out from its latest checkpoint', false)
    .action(async (options: Parameters<typeof trainSrganRun>[0], command: Command) => {
      const summary = await trainSrganRun(options, explicitFlags(command));
      console.log(
        `Trained ${summary.stepsRun} steps (${summary.step} in total, stopped by ${summary.stoppedBy}) in ` +
          `${(summary.durationMs / 1000).toFixed(0)} s. Model: ${join(options.out, 'model')}, checkpoint: ${join(options.out, 'latest.gfckpt')}`,
      );
    });
}
