import { join } from 'node:path';

import { Command } from 'commander';

import { CheckpointError, deriveSeed, InvalidArgumentError, loadGenerator } from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import { imageFileFormat, saveImageGrid } from '@ganforge/data/node';
import { encodeInChunks } from '@ganforge/text';
import { loadTextEncoderFile, textEncoderFileName } from '@ganforge/text/node';
import * as tf from '@tensorflow/tfjs';

import { backendOption, startBackend, threadsOption } from '../backend-option.js';
import { namingPath } from '../file-system-error.js';
import { assertExistingFolder } from '../input-paths.js';
import { integerOption } from '../option-parsers.js';
import { assertWritableOutputFile, createOutputFolders, overwriteFlag } from '../output-paths.js';
import { parseCheckpointMetadata, textToImageRunSchema } from '../run-metadata.js';

export interface TextToImageSampleOptions {
  readonly checkpoint: string;
  readonly captions: readonly string[];
  readonly out: string;
  /** Pictures per caption (or steps of the interpolation). */
  readonly count: number;
  readonly seed: number;
  readonly ema: boolean;
  /** One row from the first caption's embedding to the second's, z fixed. */
  readonly interpolate: boolean;
  /** Replace `out` if it exists. Default false: an existing file is refused. */
  readonly overwrite?: boolean;
}

/**
 * Writes pictures generated from captions by a `ganforge train text2img` run: one row of `count`
 * samples per caption (columns share z), or one interpolation row between two captions.
 */
export async function sampleTextToImage(options: TextToImageSampleOptions): Promise<{ step: number; rows: number }> {
  imageFileFormat(options.out, '--out');
  if (options.captions.length === 0)
    throw new InvalidArgumentError('<captions...>', 'at least one caption', options.captions);
  if (options.interpolate && options.captions.length !== 2) {
    throw new InvalidArgumentError('--interpolate', 'exactly two captions', options.captions.length);
  }
  await assertExistingFolder('--checkpoint', options.checkpoint, 'a run folder written by `ganforge train text2img`');
  await assertWritableOutputFile('--out', options.out, { overwrite: options.overwrite ?? false });
  const checkpoint = await new FileCheckpointStore(options.checkpoint).load('latest');
  if (!checkpoint) {
    throw new InvalidArgumentError(
      '--checkpoint',
      'a run folder with latest.gfckpt (written by `ganforge train text2img`)',
      options.checkpoint,
    );
  }
  if ((checkpoint.metadata['run'] as { model?: string } | undefined)?.model !== 'text2img') {
    throw new InvalidArgumentError(
      '--checkpoint',
      'a checkpoint written by `ganforge train text2img`',
      options.checkpoint,
    );
  }
  parseCheckpointMetadata(checkpoint, 'run', textToImageRunSchema, options.checkpoint, '`ganforge train text2img`');
  const encoder = await loadTextEncoderFile(join(options.checkpoint, textEncoderFileName));
  const generator = await loadGenerator(checkpoint, { ema: options.ema && checkpoint.generatorEma !== undefined });
  const latentDim = generator.inputs[0]?.shape[1];
  if (typeof latentDim !== 'number' || generator.inputs[1]?.shape[1] !== encoder.dim) {
    throw new CheckpointError(
      `${options.checkpoint}: the generator takes [noise, embedding ${generator.inputs[1]?.shape[1]}] but ${textEncoderFileName} gives ${encoder.dim}-d embeddings.`,
    );
  }
  const columns = options.count;
  const images = tf.tidy(() => {
    const noise = tf.randomNormal([columns, latentDim], 0, 1, 'float32', deriveSeed(options.seed, 'cli-text2img', 0));
    if (options.interpolate) {
      const ends = encodeInChunks(encoder, options.captions);
      const beta = tf.linspace(0, 1, columns).reshape([columns, 1]);
      const mixed = tf.add(tf.mul(tf.sub(1, beta), ends.slice(0, 1)), tf.mul(beta, ends.slice(1, 1)));
      return generator.predict([tf.tile(noise.slice(0, 1), [columns, 1]), mixed]) as tf.Tensor;
    }
    const rows = options.captions.flatMap((caption) => Array<string>(columns).fill(caption));
    return generator.predict([
      tf.tile(noise, [options.captions.length, 1]),
      encodeInChunks(encoder, rows),
    ]) as tf.Tensor;
  });
  try {
    await createOutputFolders('--out', options.out);
    await namingPath('--out', () => saveImageGrid(images, options.out, { columns }));
  } finally {
    images.dispose();
    generator.dispose();
    encoder.dispose();
  }
  return { step: checkpoint.step, rows: options.interpolate ? 1 : options.captions.length };
}

/** `ganforge text2img --checkpoint DIR "a caption" --out img.png`. */
export function text2imgCommand(): Command {
  return new Command('text2img')
    .description('Generate pictures from captions with a run of `ganforge train text2img`.')
    .argument('<captions...>', 'one or more captions (quote each)')
    .requiredOption('--checkpoint <folder>', 'run folder written by `ganforge train text2img`')
    .requiredOption(
      '--out <file>',
      'image file to write, one row per caption: .png, .jpg / .jpeg or .webp (the extension picks the format)',
    )
    .option('--count <n>', 'pictures per caption (steps of an interpolation)', integerOption(1, 256), 8)
    .option('--seed <n>', 'noise seed', integerOption(0), 0)
    .option('--interpolate', 'one row from the first caption to the second (z fixed)', false)
    .option('--no-ema', 'use the trained weights instead of their moving average')
    .option(overwriteFlag, 'replace --out if it exists', false)
    .addOption(backendOption())
    .addOption(threadsOption())
    .action(
      async (
        captions: string[],
        options: {
          checkpoint: string;
          out: string;
          count: number;
          seed: number;
          ema: boolean;
          interpolate: boolean;
          overwrite: boolean;
          backend?: string;
        },
      ) => {
        imageFileFormat(options.out, '--out'); // refused before the backend starts and the model loads
        await startBackend(options);
        const { step, rows } = await sampleTextToImage({ ...options, captions });
        console.log(`Wrote ${rows} x ${options.count} pictures from step ${step} to ${options.out}`);
      },
    );
}
