import { Command, Option } from 'commander';

import { InvalidArgumentError } from '@ganforge/core';
import { writeFileAtomically } from '@ganforge/core/node';
import {
  extractFeatures,
  frechetDistance,
  imageQualityChannels,
  inceptionScore,
  kernelInceptionDistance,
  mnistClassifierLayers,
  parzenLogLikelihood,
} from '@ganforge/metrics';
import { loadMnistClassifier } from '@ganforge/metrics/node';
import * as tf from '@tensorflow/tfjs';

import { backendOption, startBackend, threadsOption } from '../backend-option.js';
import { namingPath } from '../file-system-error.js';
import { namingFlags } from '../flag-names.js';
import { interruptSignal } from '../interrupt-signal.js';
import { integerOption, positiveNumberOption } from '../option-parsers.js';
import { assertWritableOutputFile, createOutputFolders, overwriteFlag } from '../output-paths.js';
import { imageFolderQuality } from './eval-image-folders.js';
import { type EvaluationProgress, evaluationProgress } from './eval-progress.js';
import { loadCheckpointGenerator, mnistDatasetOf, mnistImages } from './eval-sources.js';

interface GeneratedOptions {
  checkpoint: string;
  dataset?: string;
  samples: number;
  seed: number;
  ema: boolean;
  batchSize: number;
  out?: string;
  overwrite: boolean;
  quiet: boolean;
  backend?: string;
}

/** Options every evaluation of a checkpoint shares. */
function generatedCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .requiredOption('--checkpoint <folder>', 'run folder written by `ganforge train` or `ganforge demo`')
    .option('--dataset <name>', "'mnist' or 'fashion-mnist' (default: the checkpoint's data set)")
    .option('--samples <n>', 'images to generate', integerOption(2), 10000)
    .option('--seed <n>', 'noise seed', integerOption(0), 0)
    .option('--no-ema', 'use the trained weights instead of their moving average')
    .option('--batch-size <n>', 'points per batch', integerOption(1), 100)
    .option('--out <file.json>', 'also write the JSON result to this file')
    .option(overwriteFlag, 'replace --out if it exists', false)
    .option('--quiet', 'no progress bar', false)
    .addOption(backendOption())
    .addOption(threadsOption());
}

/** Checks `--out` before the (long) evaluation starts: a new file, or --overwrite. */
async function assertReportFile(options: { out?: string; overwrite: boolean }): Promise<void> {
  if (options.out !== undefined) await assertWritableOutputFile('--out', options.out, options);
}

async function report(result: Record<string, unknown>, out: string | undefined): Promise<void> {
  const json = JSON.stringify(result, null, 2);
  console.log(json);
  if (out) {
    await createOutputFolders('--out', out);
    await namingPath('--out', () => writeFileAtomically(out, `${json}\n`));
  }
}

function checkpointInfo(generator: { folder: string; step: number; ema: boolean }) {
  return { folder: generator.folder, step: generator.step, ema: generator.ema };
}

/** Generated images and classifier outputs for FID, KID and IS. */
async function classifierOutputs(options: GeneratedOptions, metric: string, layer: string, referenceCount: number) {
  await assertReportFile(options);
  const started = Date.now();
  const backend = await startBackend(options);
  const generator = await loadCheckpointGenerator(options.checkpoint, options.ema);
  let classifier: tf.LayersModel | undefined;
  let progress: EvaluationProgress | undefined;
  try {
    const dataset = mnistDatasetOf(options.dataset, generator.run);
    const withReference = referenceCount > 0;
    classifier = await loadMnistClassifier({ variant: dataset });
    const bar = evaluationProgress(metric, 2 * options.samples + referenceCount, options.quiet);
    progress = bar;
    const signal = interruptSignal();
    const images = await generator.generate(options.samples, options.seed, (done) => bar.update(done, 'generating'));
    const generated = await extractFeatures(classifier, images, {
      layer,
      batchSize: options.batchSize,
      signal,
      onProgress: (done) => bar.update(options.samples + done, `classifying ${dataset} samples`),
    });
    images.dispose();
    let reference: tf.Tensor2D | undefined;
    if (withReference) {
      const test = mnistImages(dataset, 'test', 0, referenceCount);
      reference = await extractFeatures(classifier, test, {
        layer,
        batchSize: options.batchSize,
        signal,
        onProgress: (done) => bar.update(2 * options.samples + done, `classifying ${dataset} test images`),
      });
      test.dispose();
    }
    bar.update(2 * options.samples + referenceCount, 'computing');
    return {
      generated,
      reference,
      dataset,
      context: {
        classifier: `@ganforge/metrics ${dataset} classifier`,
        layer,
        samples: options.samples,
        reference: withReference ? `${dataset} test[0:${referenceCount}]` : undefined,
        checkpoint: checkpointInfo(generator),
        seed: options.seed,
        backend: backend.name,
      },
      finish: (result: Record<string, unknown>) => ({
        ...result,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      }),
      stop: () => progress?.stop(),
    };
  } catch (error) {
    progress?.stop();
    throw error;
  } finally {
    classifier?.dispose();
    generator.dispose();
  }
}

function parzenCommand(): Command {
  return generatedCommand(
    'parzen',
    'Gaussian Parzen-window log-likelihood of the MNIST test set under generated samples (Goodfellow et al. 2014 protocol).',
  )
    .option(
      '--validation <n>',
      'validation images for choosing sigma, from train[50000:]',
      integerOption(1, 10000),
      1000,
    )
    .option('--test <n>', 'test images, from test[0:]', integerOption(1, 10000), 10000)
    .option('--sigma <s>', 'fixed sigma instead of the search on the validation images', positiveNumberOption)
    .action(async (options: GeneratedOptions & { validation: number; test: number; sigma?: number }) => {
      await assertReportFile(options);
      const started = Date.now();
      const backend = await startBackend(options);
      const generator = await loadCheckpointGenerator(options.checkpoint, options.ema);
      const searching = options.sigma === undefined;
      const validationCount = searching ? options.validation : 0;
      // Parzen windows in pixel units of [0, 1], as the papers (the value depends on the scale).
      const toUnit = (images: tf.Tensor) => {
        const unit = tf.tidy(() => images.add(1).div(2));
        images.dispose();
        return unit;
      };
      const tensors: tf.Tensor[] = [];
      let progress: EvaluationProgress | undefined;
      try {
        const dataset = mnistDatasetOf(options.dataset, generator.run);
        progress = evaluationProgress('parzen', options.samples + validationCount + options.test, options.quiet);
        const bar = progress;
        const generated = await generator.generate(options.samples, options.seed, (done) =>
          bar.update(done, 'generating'),
        );
        const samples = toUnit(generated);
        tensors.push(samples);
        // The validation split of pylearn2's MNIST, which parzen_ll.py searched sigma on: train[50000:].
        const validation = searching ? toUnit(mnistImages(dataset, 'train', 50000, validationCount)) : undefined;
        if (validation) tensors.push(validation);
        const test = toUnit(mnistImages(dataset, 'test', 0, options.test));
        tensors.push(test);
        const result = await parzenLogLikelihood(samples, test, {
          validation,
          sigma: options.sigma,
          batchSize: options.batchSize,
          signal: interruptSignal(),
          onProgress: ({ phase, done }) =>
            bar.update(options.samples + (phase === 'validation' ? done : validationCount + done), `${phase} ${done}`),
        });
        bar.stop();
        await report(
          {
            metric: 'parzen-log-likelihood',
            unit: 'nats',
            mean: result.mean,
            stdErr: result.stdErr,
            sigma: result.sigma,
            validation: result.validation,
            protocol: {
              dataset,
              samples: options.samples,
              validation: searching ? `${dataset} train[50000:${50000 + validationCount}]` : 'none (--sigma given)',
              test: `${dataset} test[0:${options.test}]`,
              pixelRange: [0, 1],
              paper: 'Goodfellow et al. 2014, Table 1: GAN 225 +- 2 nats on the MNIST test set',
            },
            checkpoint: checkpointInfo(generator),
            seed: options.seed,
            backend: backend.name,
            seconds: Math.round((Date.now() - started) / 100) / 10,
          },
          options.out,
        );
      } finally {
        progress?.stop();
        tf.dispose(tensors);
        generator.dispose();
      }
    });
}

function fidCommand(): Command {
  return generatedCommand(
    'fid',
    "Fréchet distance between the committed MNIST (or Fashion-MNIST) classifier's features of generated samples and of the test set (FID-MNIST).",
  )
    .option(
      '--reference-count <n>',
      'test images the samples are compared with, from test[0:]',
      integerOption(2, 10000),
      10000,
    )
    .action(async (options: GeneratedOptions & { referenceCount: number }) => {
      const outputs = await classifierOutputs(options, 'fid', mnistClassifierLayers.features, options.referenceCount);
      try {
        const result = await frechetDistance(outputs.reference!, outputs.generated);
        outputs.stop();
        await report(outputs.finish({ metric: 'fid', ...result, ...outputs.context }), options.out);
      } finally {
        outputs.stop();
        tf.dispose([outputs.generated, outputs.reference!]);
      }
    });
}

function kidCommand(): Command {
  return generatedCommand(
    'kid',
    'Kernel Inception Distance with the committed MNIST (or Fashion-MNIST) classifier features.',
  )
    .option(
      '--reference-count <n>',
      'test images the samples are compared with, from test[0:]',
      integerOption(2, 10000),
      10000,
    )
    .option('--subsets <n>', 'random subsets averaged', integerOption(1), 100)
    .option('--subset-size <n>', 'points per subset', integerOption(2), 1000)
    .action(async (options: GeneratedOptions & { referenceCount: number; subsets: number; subsetSize: number }) => {
      assertKidSubsetSize(options);
      const outputs = await classifierOutputs(options, 'kid', mnistClassifierLayers.features, options.referenceCount);
      try {
        const { mean, std, subsetSize } = await namingFlags(
          { 'options.subsetSize': '--subset-size', 'options.subsets': '--subsets', 'options.seed': '--seed' },
          () =>
            kernelInceptionDistance(outputs.reference!, outputs.generated, {
              subsets: options.subsets,
              subsetSize: options.subsetSize,
              seed: options.seed,
            }),
        );
        outputs.stop();
        await report(
          outputs.finish({ metric: 'kid', mean, std, subsets: options.subsets, subsetSize, ...outputs.context }),
          options.out,
        );
      } finally {
        outputs.stop();
        tf.dispose([outputs.generated, outputs.reference!]);
      }
    });
}

/**
 * KID draws `--subset-size` points from each set for each of `--subsets` subsets; with more than one
 * subset it must be below the smaller set, so the subsets differ (metrics' kernelInceptionDistance
 * rule). Checked from the flags before minutes of generating.
 */
function assertKidSubsetSize(options: {
  samples: number;
  referenceCount: number;
  subsets: number;
  subsetSize: number;
}) {
  const smaller = Math.min(options.samples, options.referenceCount);
  const largest = options.subsets > 1 ? smaller - 1 : smaller;
  if (options.subsetSize > largest) {
    throw new InvalidArgumentError(
      '--subset-size',
      options.subsets > 1
        ? `at most ${largest}, below the smaller of --samples (${options.samples}) and --reference-count (${options.referenceCount}), so that the ${options.subsets} subsets differ`
        : `at most ${largest}, the smaller of --samples (${options.samples}) and --reference-count (${options.referenceCount})`,
      options.subsetSize,
      options.subsets > 1
        ? `Pass e.g. --subset-size ${Math.max(2, Math.floor(smaller / 2))}, or --subsets 1 --subset-size ${smaller} for one estimate without a std.`
        : undefined,
    );
  }
}

function inceptionScoreCommand(): Command {
  return generatedCommand(
    'is',
    "Inception Score with the committed MNIST (or Fashion-MNIST) classifier's class probabilities.",
  )
    .option('--splits <n>', 'splits of the samples', integerOption(1), 10)
    .action(async (options: GeneratedOptions & { splits: number }) => {
      const outputs = await classifierOutputs(options, 'is', mnistClassifierLayers.probabilities, 0);
      try {
        const result = await inceptionScore(outputs.generated, { splits: options.splits });
        outputs.stop();
        await report(
          outputs.finish({ metric: 'inception-score', ...result, splits: options.splits, ...outputs.context }),
          options.out,
        );
      } finally {
        outputs.stop();
        outputs.generated.dispose();
      }
    });
}

function imageQualityCommand(metric: 'psnr' | 'ssim'): Command {
  const name = metric === 'psnr' ? 'PSNR' : 'SSIM';
  return new Command(metric)
    .description(
      `${name} of super-resolved images against ground truth, matched by file name (SR convention: Y channel, border crop = scale).`,
    )
    .requiredOption('--sr <folder>', 'folder of super-resolved (or restored) PNG/JPEG images')
    .requiredOption('--hr <folder>', 'folder of ground-truth images with the same file names')
    .option('--crop-border <px>', 'pixels removed at each border (the scale factor, e.g. 4)', integerOption(0), 0)
    .addOption(new Option('--channel <name>', 'planes compared').choices([...imageQualityChannels]).default('y'))
    .option('--out <file.json>', 'also write the JSON result to this file')
    .option(overwriteFlag, 'replace --out if it exists', false)
    .option('--quiet', 'no progress bar', false)
    .addOption(backendOption())
    .addOption(threadsOption())
    .action(
      async (options: {
        sr: string;
        hr: string;
        cropBorder: number;
        channel: (typeof imageQualityChannels)[number];
        out?: string;
        overwrite: boolean;
        quiet: boolean;
        backend?: string;
      }) => {
        await assertReportFile(options);
        await startBackend(options);
        const result = await imageFolderQuality(metric, options, (total) =>
          evaluationProgress(metric, total, options.quiet),
        );
        await report(result, options.out);
      },
    );
}

/** `ganforge eval <metric>`: the numbers papers report, as JSON on stdout (and in --out). */
export function evalCommand(): Command {
  return new Command('eval')
    .description(
      'Compute a metric for a checkpoint or for image folders; prints JSON (see `ganforge eval <metric> --help`).',
    )
    .addCommand(parzenCommand())
    .addCommand(fidCommand())
    .addCommand(kidCommand())
    .addCommand(inceptionScoreCommand())
    .addCommand(imageQualityCommand('psnr'))
    .addCommand(imageQualityCommand('ssim'));
}
