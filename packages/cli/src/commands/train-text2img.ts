import { join } from 'node:path';

import { Command, Option } from 'commander';

import { deriveSeed, InvalidArgumentError, type TrainingSummary } from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import { saveImageGrid } from '@ganforge/data/node';
import {
  BagOfWordsEncoder,
  CaptionedImageDataset,
  captionedShapes,
  CharCnnRnnEncoder,
  createTextToImageTrainer,
  describeShape,
  encodeInChunks,
  standardizeTextEncoder,
  type TextEncoder,
  type TextEncoderKind,
  type TextToImageVariant,
  textToImageVariants,
  trainJointEmbedding,
  WordGruEncoder,
  WordTokenizer,
} from '@ganforge/text';
import { loadCaptionedImages, loadTextEncoderFile, saveTextEncoder, textEncoderFileName } from '@ganforge/text/node';
import type * as tf from '@tensorflow/tfjs';

import { startBackend } from '../backend-option.js';
import { assertExistingFile } from '../input-paths.js';
import { interruptSignal } from '../interrupt-signal.js';
import { integerOption, positiveNumberOption } from '../option-parsers.js';
import { holdingRunFolder } from '../run-folder-lock.js';
import {
  assertWidthsWithinWeights,
  parseCheckpointMetadata,
  runLimits,
  textToImageRunSchema,
} from '../run-metadata.js';
import { trainingProgress } from '../progress.js';
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
import { addRunOptions, assertBatchFitsData, assertStopCondition, runSchedule } from '../run-options.js';

/** Everything that defines a text-to-image run; stored in the checkpoint (`metadata.run`) for `text2img` and `--resume`. */
export interface TextToImageRunOptions {
  readonly model: 'text2img';
  /** 'shapes' (the synthetic captioned shapes, training split) or a path<TAB>caption file. */
  readonly dataset: string;
  readonly variant: TextToImageVariant;
  readonly encoder: TextEncoderKind;
  readonly size: 16 | 32 | 64;
  readonly filters: number;
  readonly embeddingDim: number;
  readonly latentDim: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly limit?: number;
}

export interface TextToImageTrainingOptions {
  readonly out: string;
  readonly steps?: number;
  readonly durationMs?: number;
  /** DS-SJE steps for a new text encoder (ignored with `textEncoder` or on resume). */
  readonly encoderSteps: number;
  /** A trained encoder file to use instead of training one. */
  readonly textEncoder?: string;
  readonly resume: boolean;
  readonly sampleEvery: number;
  readonly checkpointEvery: number;
  readonly signal?: AbortSignal;
  readonly quiet?: boolean;
  /**
   * The flags the user gave explicitly (e.g. `'--lr'`). On resume each one whose value differs from
   * the checkpoint's is applied and reported or refused, by {@link textToImageResumeRules}; the
   * other settings come from the checkpoint. Default: none.
   */
  readonly explicit?: ReadonlySet<string>;
}

const architecture = 'the checkpoint holds weights of this shape';

/** What each text-to-image setting may do on `--resume` (see {@link resumeRun}). */
export const textToImageResumeRules: ResumeRules<TextToImageRunOptions> = {
  model: null,
  dataset: { flag: '--dataset', change: 'data' },
  variant: { flag: '--variant', change: 'apply' },
  encoder: {
    flag: '--encoder',
    change: 'refuse',
    reason: `the run's ${textEncoderFileName} is of this kind and the GAN is trained on its embeddings`,
  },
  size: { flag: '--size', change: 'refuse', reason: architecture },
  filters: { flag: '--filters', change: 'refuse', reason: architecture },
  embeddingDim: { flag: '--embedding-dim', change: 'refuse', reason: architecture },
  latentDim: { flag: '--latent-dim', change: 'refuse', reason: architecture },
  learningRate: { flag: '--lr', change: 'apply' },
  batchSize: { flag: '--batch-size', change: 'data' },
  seed: seedResumeRule,
  limit: { flag: '--limit', change: 'data' },
};

interface CaptionedData {
  readonly images: tf.Tensor4D;
  readonly captions: string[];
  readonly imageOfCaption: Int32Array;
  readonly classes?: Int32Array;
}

async function loadRunData(run: TextToImageRunOptions): Promise<CaptionedData> {
  if (run.dataset === 'shapes') {
    const shapes = captionedShapes({ split: 'train', size: run.size, seed: run.seed, imagesPerCombination: 8 });
    if (run.limit === undefined || run.limit >= shapes.descriptions.length) return shapes;
    // Keep every picture's captions together: captions are stored picture by picture.
    const captionCount = shapes.imageOfCaption.findIndex((image) => image >= run.limit!);
    const images = shapes.images.slice(0, run.limit);
    shapes.images.dispose();
    return {
      images,
      captions: shapes.captions.slice(0, captionCount),
      imageOfCaption: shapes.imageOfCaption.slice(0, captionCount),
      classes: shapes.classes.slice(0, run.limit),
    };
  }
  return loadCaptionedImages(run.dataset, { size: run.size, limit: run.limit });
}

/** Captions of the progress grids: held-out and seen shapes, or the data set's first captions. */
function gridCaptions(run: TextToImageRunOptions, data: CaptionedData): string[] {
  if (run.dataset === 'shapes') {
    return [
      { shape: 2, colour: 0, size: 1, position: 0, background: 0 },
      { shape: 0, colour: 1, size: 1, position: 1, background: 1 },
      { shape: 3, colour: 2, size: 0, position: 3, background: 2 },
      { shape: 1, colour: 3, size: 1, position: 2, background: 0 },
      { shape: 0, colour: 0, size: 1, position: 0, background: 2 },
      { shape: 2, colour: 4, size: 0, position: 4, background: 1 },
      { shape: 1, colour: 1, size: 0, position: 1, background: 0 },
      { shape: 3, colour: 3, size: 1, position: 0, background: 2 },
    ].map((description) => describeShape(description, 0, () => 0));
  }
  const distinct = [...new Set(data.captions)];
  return distinct.slice(0, 8);
}

function newEncoder(run: TextToImageRunOptions, captions: readonly string[]): TextEncoder {
  switch (run.encoder) {
    case 'char-cnn-rnn':
      return new CharCnnRnnEncoder({
        dim: run.embeddingDim,
        maxLength: 96,
        filters: [64, 64, 64],
        rnnUnits: 64,
        seed: run.seed,
      });
    case 'word-gru':
      return new WordGruEncoder({
        tokenizer: WordTokenizer.fromCorpus(captions, { maxLength: 24 }),
        dim: run.embeddingDim,
        units: 64,
        seed: run.seed,
      });
    case 'bag-of-words':
      return new BagOfWordsEncoder({
        tokenizer: WordTokenizer.fromCorpus(captions),
        dim: run.embeddingDim,
        seed: run.seed,
      });
    default:
      throw new InvalidArgumentError('--encoder', "'char-cnn-rnn', 'word-gru' or 'bag-of-words'", run.encoder);
  }
}

/**
 * Trains (or resumes) a text-to-image run in `training.out`: a text encoder by DS-SJE (unless one is
 * given or the run is resumed), standardised over the training captions and saved as
 * `text-encoder.json`, then the GAN, with progress grids (8 captions x 8 samples) and checkpoints.
 * The run folder is held locked meanwhile (see {@link holdingRunFolder}).
 */
export async function trainTextToImage(
  requested: TextToImageRunOptions,
  training: TextToImageTrainingOptions,
): Promise<TrainingSummary> {
  return holdingRunFolder(training.out, () => trainTextToImageInLockedFolder(requested, training));
}

async function trainTextToImageInLockedFolder(requested: TextToImageRunOptions, training: TextToImageTrainingOptions) {
  const store = new FileCheckpointStore(training.out);
  const existing = await store.load('latest');
  assertOutFitsResume(existing, training.resume, training.out, 'a checkpoint');
  if (existing && (existing.metadata['run'] as { model?: unknown } | undefined)?.model !== 'text2img') {
    throw new InvalidArgumentError('--out', 'a folder written by `ganforge train text2img`', training.out);
  }
  // The record is range-checked before any model is built from it.
  const recorded = existing
    ? (parseCheckpointMetadata(
        existing,
        'run',
        textToImageRunSchema,
        training.out,
        '`ganforge train text2img`',
      ) as TextToImageRunOptions)
    : undefined;
  if (existing && recorded) {
    assertWidthsWithinWeights(existing, { ...recorded }, ['filters', 'embeddingDim', 'latentDim'], training.out);
  }
  const explicit = training.explicit ?? new Set<string>();
  if (existing) {
    refuseStartOnlyFlags(explicit, {
      '--encoder-steps': `the run's ${textEncoderFileName} is already trained`,
      '--text-encoder': `the run goes on with its own ${textEncoderFileName}`,
    });
  }
  const resumed = recorded ? resumeRun(recorded, requested, explicit, textToImageResumeRules) : undefined;
  const run = resumed?.run ?? requested;
  if (run.dataset !== 'shapes') {
    await assertExistingFile('--dataset', run.dataset, "'shapes' or a file of path<TAB>caption lines");
  }
  if (!existing && training.textEncoder) {
    await assertExistingFile('--text-encoder', training.textEncoder, 'a text-encoder.json file');
  }
  reportResume(resumed?.changes ?? []);
  const log = (message: string) => training.quiet || console.log(message);
  const data = await loadRunData(run);
  let encoder: TextEncoder;
  if (existing || training.textEncoder) {
    encoder = await loadTextEncoderFile(existing ? join(training.out, textEncoderFileName) : training.textEncoder!);
    if (encoder.dim !== run.embeddingDim) {
      throw new InvalidArgumentError(
        '--text-encoder',
        `an encoder with dim ${run.embeddingDim} (--embedding-dim)`,
        encoder.dim,
      );
    }
  } else {
    encoder = newEncoder(run, data.captions);
    const joint = await trainJointEmbedding({
      textEncoder: encoder,
      train: data,
      steps: training.encoderSteps,
      batchSize: Math.min(64, data.captions.length),
      seed: run.seed,
      signal: training.signal,
      onStep: ({ step, loss }) => {
        if (step % 50 === 0 || step === training.encoderSteps)
          log(`text encoder (DS-SJE) step ${step}/${training.encoderSteps}: loss ${loss.toFixed(3)}`);
      },
    });
    joint.imageEncoder.dispose();
  }
  // The GAN is conditioned on embeddings standardised over the training captions (saved with the encoder).
  if (!existing) encoder = standardizeTextEncoder(encoder, data.captions);
  await saveTextEncoder(encoder, join(training.out, textEncoderFileName));

  const embeddings = encodeInChunks(encoder, data.captions);
  const dataset = new CaptionedImageDataset({ ...data, embeddings });
  embeddings.dispose();
  data.images.dispose();
  try {
    assertBatchFitsData(run.batchSize, dataset.size, 'captioned pictures');
  } catch (error) {
    dataset.dispose();
    encoder.dispose();
    throw error;
  }
  const trainer = createTextToImageTrainer(
    run.variant,
    { size: run.size, embeddingDim: run.embeddingDim, filters: run.filters, latentDim: run.latentDim },
    { seed: run.seed, learningRate: run.learningRate, ema: { decay: 0.999 } },
  );
  if (existing) await trainer.restore(checkpointForNewData(existing, resumed!));
  const captions = gridCaptions(run, data).flatMap((caption) => Array<string>(8).fill(caption));
  const condition = encodeInChunks(encoder, captions);
  const steps = training.steps === undefined ? undefined : Math.max(0, training.steps - trainer.step);
  const progress = training.quiet
    ? undefined
    : trainingProgress({ totalSteps: training.steps, durationMs: training.durationMs, startStep: trainer.step });
  try {
    const summary = await trainer.fit(dataset, {
      batchSize: run.batchSize,
      steps,
      durationMs: training.durationMs,
      signal: training.signal,
      samples: { every: training.sampleEvery, count: captions.length, condition, ema: true },
      checkpoints: { store, every: training.checkpointEvery, metadata: { run } },
      onStep: (event) => progress?.update(event),
      onSample: async ({ step, images }) => {
        await saveImageGrid(images, join(training.out, 'samples', `step-${String(step).padStart(6, '0')}.png`), {
          columns: 8,
        });
        await saveImageGrid(images, join(training.out, 'samples.png'), { columns: 8 });
      },
    });
    const final = trainer.generate({
      count: captions.length,
      seed: deriveSeed(run.seed, 'sample-noise', 0),
      condition,
    });
    await saveImageGrid(final, join(training.out, 'samples.png'), { columns: 8 });
    final.dispose();
    return summary;
  } finally {
    progress?.stop();
    condition.dispose();
    dataset.dispose();
    trainer.dispose();
    encoder.dispose();
  }
}

/** `ganforge train text2img`. */
export function trainText2imgCommand(): Command {
  return addRunOptions(
    new Command('text2img')
      .description(
        'Train a text-to-image GAN (Reed et al. 2016: GAN, GAN-CLS, GAN-INT, GAN-INT-CLS) on the synthetic captioned shapes or a path<TAB>caption file.',
      )
      .requiredOption(
        '--dataset <shapes|captions.tsv>',
        "'shapes', or a file of path<TAB>caption lines (paths relative to it)",
      )
      .requiredOption('--out <folder>', 'run folder for checkpoints, the text encoder and sample grids')
      .option('--steps <n>', 'train the GAN until this many steps in total', integerOption(1))
      .option('--minutes <m>', 'stop the GAN after this many minutes', positiveNumberOption)
      .option('--resume', 'continue the run in --out from its latest checkpoint', false)
      .addOption(
        new Option('--variant <name>', 'configuration').choices([...textToImageVariants]).default('gan-int-cls'),
      )
      .addOption(
        new Option('--encoder <kind>', 'text encoder trained by DS-SJE first')
          .choices(['char-cnn-rnn', 'word-gru', 'bag-of-words'])
          .default('char-cnn-rnn'),
      )
      .option('--encoder-steps <n>', 'DS-SJE steps for the text encoder', integerOption(0), 300)
      .option('--text-encoder <file>', 'use this trained encoder (text-encoder.json) instead of training one')
      .addOption(new Option('--size <px>', 'image side').choices(['16', '32', '64']).default('32'))
      .option(
        '--filters <n>',
        'filters of the widest-resolution layer',
        integerOption(...runLimits.textToImageFilters),
        16,
      )
      .option('--embedding-dim <n>', 'caption embedding size', integerOption(...runLimits.textToImageDim), 128)
      .option('--latent-dim <n>', 'noise size', integerOption(...runLimits.textToImageDim), 100)
      .option('--batch-size <n>', 'batch size', integerOption(2, runLimits.batchSize[1]), 32)
      .option(
        '--lr <rate>',
        'Adam learning rate (Reed et al.: 2e-4 over hundreds of epochs)',
        positiveNumberOption,
        1e-3,
      )
      .option('--limit <n>', 'use only the first n pictures', integerOption(2)),
    { sampleEvery: 50, checkpointEvery: 100, seeds: runLimits.textToImageSeed },
  ).action(async (options: Record<string, unknown>, command: Command) => {
    assertStopCondition(options);
    await startBackend(options);
    const out = options['out'] as string;
    const summary = await trainTextToImage(
      {
        model: 'text2img',
        dataset: options['dataset'] as string,
        variant: options['variant'] as TextToImageVariant,
        encoder: options['encoder'] as TextEncoderKind,
        size: Number(options['size']) as 16 | 32 | 64,
        filters: options['filters'] as number,
        embeddingDim: options['embeddingDim'] as number,
        latentDim: options['latentDim'] as number,
        learningRate: options['lr'] as number,
        batchSize: options['batchSize'] as number,
        seed: options['seed'] as number,
        limit: options['limit'] as number | undefined,
      },
      {
        out,
        ...runSchedule(options),
        encoderSteps: options['encoderSteps'] as number,
        textEncoder: options['textEncoder'] as string | undefined,
        signal: interruptSignal(),
        explicit: explicitFlags(command),
      },
    );
    console.log(
      `Trained ${summary.stepsRun} steps (${summary.step} in total, stopped by ${summary.stoppedBy}) in ` +
        `${(summary.durationMs / 1000).toFixed(0)} s. Samples: ${out}/samples.png, checkpoint: ${out}/latest.gfckpt, ` +
        `text encoder: ${out}/${textEncoderFileName}`,
    );
  });
}
