import { join } from 'node:path';

import {
  AdversarialTrainer,
  type Checkpoint,
  CheckpointError,
  dcgan,
  deserializeModel,
  deriveSeed,
  type DcganSize,
  InvalidArgumentError,
  lossByName,
  type TrainingSummary,
} from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import { mnistDataset } from '@ganforge/data';
import { loadImageFolder, loadMnist, saveImageGrid } from '@ganforge/data/node';
import * as tf from '@tensorflow/tfjs';

import { namingFlags } from './flag-names.js';
import { assertExistingFolder } from './input-paths.js';
import { holdingRunFolder } from './run-folder-lock.js';
import { trainingProgress } from './progress.js';
import { dcganRunSchema, parseCheckpointMetadata } from './run-metadata.js';
import { assertBatchFitsData } from './run-options.js';
import {
  assertOutFitsResume,
  checkpointForNewData,
  imageGanResumeRules,
  reportResume,
  type ResumeRules,
  resumeRun,
} from './resume-settings.js';

/** Everything that defines a DCGAN run; stored in the checkpoint's metadata so `sample` and `--resume` can rebuild it. */
export interface DcganRunOptions {
  readonly dataset: string;
  readonly size: DcganSize;
  readonly channels: number;
  readonly latentDim: number;
  readonly filters: number;
  readonly conditional: boolean;
  readonly loss: string;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly limit?: number;
}

export interface DcganTrainingOptions {
  readonly out: string;
  readonly steps?: number;
  readonly durationMs?: number;
  /**
   * Continue the run in `out`: `true` for a user's `--resume` (a folder with no run is noted in one
   * line), `'if-any'` to continue a run if there is one, silently (the demo).
   */
  readonly resume: boolean | 'if-any';
  readonly sampleEvery: number;
  readonly checkpointEvery: number;
  readonly signal?: AbortSignal;
  readonly quiet?: boolean;
  /**
   * The flags the user gave explicitly (e.g. `'--lr'`). On resume each one whose value differs from
   * the checkpoint's is applied and reported or refused, by {@link dcganResumeRules}; the other
   * settings come from the checkpoint. Default: none (the checkpoint's settings as recorded).
   */
  readonly explicit?: ReadonlySet<string>;
}

const architecture = 'the checkpoint holds weights of this shape';

/** What each DCGAN setting may do on `--resume` (see {@link resumeRun}). */
export const dcganResumeRules: ResumeRules<DcganRunOptions> = {
  ...imageGanResumeRules(architecture),
  latentDim: { flag: '--latent-dim', change: 'refuse', reason: architecture },
};

/** Data set names that `loadMnist` reads; anything else is a folder of images. */
export const mnistVariants = new Set(['mnist', 'fashion-mnist']);

/**
 * On a resume with another --dataset: MNIST variants are 28x28x1 and cannot feed a model of another
 * image shape (folders are resized to it, so they always fit).
 */
export function assertDatasetFitsModel(options: { dataset: string; size: number; channels: number }): void {
  if (mnistVariants.has(options.dataset) && (options.size !== 28 || options.channels !== 1)) {
    const shape = `${options.size}x${options.size}x${options.channels}`;
    throw new InvalidArgumentError(
      '--dataset',
      `a data set of ${shape} images, the image shape of the checkpoint's models (a folder of images is resized to it)`,
      options.dataset,
    );
  }
}

/** What `--dataset` of the image GANs accepts, for its errors. */
export const imageDatasetExpected = "'mnist', 'fashion-mnist' or a folder of PNG, JPEG or WebP images";

/**
 * Checks, before any model is built, that `--dataset` names an MNIST variant or an existing folder;
 * a folder without images is refused when it is read (naming `--dataset` too).
 */
export async function assertDatasetSource(dataset: string): Promise<void> {
  if (!mnistVariants.has(dataset)) await assertExistingFolder('--dataset', dataset, imageDatasetExpected);
}

/** How the data package's image-folder errors name what the image GANs call `--dataset`. */
export const imageFolderFlags = { directory: '--dataset', path: '--dataset', 'options.limit': '--limit' } as const;

export async function loadRunData(options: DcganRunOptions) {
  if (mnistVariants.has(options.dataset)) {
    if (options.size !== 28 || options.channels !== 1) {
      throw new InvalidArgumentError('--size', `28 with 1 channel for ${options.dataset}`, options.size);
    }
    const split = loadMnist({
      variant: options.dataset as 'mnist' | 'fashion-mnist',
      split: 'train',
      limit: options.limit,
    });
    const dataset = mnistDataset(split, { conditional: options.conditional });
    split.images.dispose();
    return dataset;
  }
  if (options.conditional) {
    throw new InvalidArgumentError('--conditional', 'a labelled data set (mnist or fashion-mnist)', options.dataset);
  }
  const { images } = await namingFlags(imageFolderFlags, () =>
    loadImageFolder(options.dataset, {
      size: options.size,
      channels: options.channels === 1 ? 1 : 3,
      limit: options.limit,
    }),
  );
  const { TensorDataset } = await import('@ganforge/core');
  const dataset = new TensorDataset({ real: images });
  images.dispose();
  return dataset;
}

/**
 * The trainer of a DCGAN run: with `models` (a resumed run's, rebuilt from its checkpoint) the
 * models are those; without, new ones are built from `options`.
 */
export function buildDcganTrainer(
  options: DcganRunOptions,
  models?: { readonly generator: tf.LayersModel; readonly discriminator: tf.LayersModel },
): AdversarialTrainer {
  const { generator, discriminator } =
    models ??
    dcgan({
      size: options.size,
      channels: options.channels,
      latentDim: options.latentDim,
      filters: options.filters,
      conditionDim: options.conditional ? 10 : undefined,
      seed: options.seed,
    });
  // DCGAN sec. 4: Adam with beta1 = 0.5.
  const optimizer = { type: 'adam', learningRate: options.learningRate, beta1: 0.5, beta2: 0.999 } as const;
  return new AdversarialTrainer({
    generator,
    discriminator,
    noise: { dim: options.latentDim },
    loss: lossByName(options.loss),
    generatorOptimizer: optimizer,
    discriminatorOptimizer: optimizer,
    ema: { decay: 0.999 },
    seed: options.seed,
  });
}

/**
 * The generator and discriminator a DCGAN checkpoint holds, rebuilt from its topology, after
 * checking that its record describes them: noise size, class input and image shape.
 *
 * @throws CheckpointError `CHECKPOINT_MISMATCH` naming `metadata.run.<field>`; nothing stays allocated.
 */
async function checkpointModels(checkpoint: Checkpoint, run: DcganRunOptions, source: string) {
  const generator = await deserializeModel(checkpoint.generator, { label: 'checkpoint.generator' });
  let discriminator: tf.LayersModel | undefined;
  try {
    discriminator = await deserializeModel(checkpoint.discriminator, { label: 'checkpoint.discriminator' });
    const inputs = generator.inputs.map((input) => input.shape);
    const image = generator.outputs[0]?.shape;
    const mismatch = (field: string, expected: unknown, received: unknown) =>
      new CheckpointError(
        `${source}: metadata.run.${field}: expected ${String(expected)}, what the checkpoint's models take, received ${String(received)}.`,
        { code: 'CHECKPOINT_MISMATCH' },
      );
    if (inputs[0]?.[1] !== run.latentDim) throw mismatch('latentDim', inputs[0]?.[1], run.latentDim);
    if ((inputs.length === 2) !== run.conditional) throw mismatch('conditional', inputs.length === 2, run.conditional);
    if (image?.[1] !== run.size || image[2] !== run.size) throw mismatch('size', image?.[1], run.size);
    if (image[3] !== run.channels) throw mismatch('channels', image[3], run.channels);
    return { generator, discriminator };
  } catch (error) {
    generator.dispose();
    discriminator?.dispose();
    throw error;
  }
}

/** One row per class for a conditional model, else undefined. */
export function sampleConditions(options: Pick<DcganRunOptions, 'conditional'>, count: number): tf.Tensor | undefined {
  if (!options.conditional) return undefined;
  return tf.tidy(() =>
    tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: count }, (_, i) => i % 10),
          'int32',
        ),
        10,
      )
      .toFloat(),
  );
}

/**
 * Trains (or resumes) a DCGAN run, writing sample grids and checkpoints into `training.out`, which
 * it holds locked meanwhile (see {@link holdingRunFolder}).
 */
export async function trainDcgan(run: DcganRunOptions, training: DcganTrainingOptions): Promise<TrainingSummary> {
  return holdingRunFolder(training.out, () => trainDcganInLockedFolder(run, training));
}

async function trainDcganInLockedFolder(run: DcganRunOptions, training: DcganTrainingOptions) {
  const store = new FileCheckpointStore(training.out);
  const existing = await store.load('latest');
  assertOutFitsResume(existing, training.resume, training.out, 'a checkpoint');
  // The record is range-checked before any model is built from it.
  const recorded = existing
    ? (parseCheckpointMetadata(
        existing,
        'run',
        dcganRunSchema,
        training.out,
        '`ganforge train dcgan`',
      ) as DcganRunOptions)
    : undefined;
  const resumed = recorded ? resumeRun(recorded, run, training.explicit ?? new Set(), dcganResumeRules) : undefined;
  const options: DcganRunOptions = resumed?.run ?? run;
  await assertDatasetSource(options.dataset);
  // A resumed run's models are rebuilt from the checkpoint's own topology, within the budget its
  // weights justify (core's deserializeModel), never from the record's sizes; the record must then
  // describe them. The trainer gets the resumed settings (e.g. a new learning rate); restore() then
  // loads the weights and the optimizers' slots.
  const models = existing ? await checkpointModels(existing, options, training.out) : undefined;
  const trainer = buildDcganTrainer(options, models);
  if (existing) await trainer.restore(checkpointForNewData(existing, resumed!));
  reportResume(resumed?.changes ?? []);
  if (resumed?.dataChanged) assertDatasetFitsModel(options);
  const data = await loadRunData(options);
  try {
    assertBatchFitsData(options.batchSize, data.size, 'training images');
  } catch (error) {
    data.dispose();
    trainer.dispose();
    throw error;
  }
  const steps = training.steps === undefined ? undefined : Math.max(0, training.steps - trainer.step);
  const progress = training.quiet
    ? undefined
    : trainingProgress({ totalSteps: training.steps, durationMs: training.durationMs, startStep: trainer.step });
  const condition = sampleConditions(options, 64);
  try {
    const summary = await trainer.fit(data, {
      batchSize: options.batchSize,
      steps,
      durationMs: training.durationMs,
      signal: training.signal,
      samples: { every: training.sampleEvery, count: 64, condition, ema: true },
      checkpoints: { store, every: training.checkpointEvery, metadata: { run: options } },
      onStep: (event) => progress?.update(event),
      onSample: async ({ step, images }) => {
        await saveImageGrid(images, join(training.out, 'samples', `step-${String(step).padStart(6, '0')}.png`));
        await saveImageGrid(images, join(training.out, 'samples.png'));
      },
    });
    // The final grid, from the same fixed noise as the periodic ones (the trainer's sample stream).
    const final = trainer.generate({ count: 64, seed: deriveSeed(options.seed, 'sample-noise', 0), condition });
    await saveImageGrid(final, join(training.out, 'samples.png'));
    final.dispose();
    return summary;
  } finally {
    progress?.stop();
    condition?.dispose();
    data.dispose();
    trainer.dispose();
  }
}
