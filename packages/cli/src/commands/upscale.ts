import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { useBackend } from '@ganforge/backend-node';
import { InvalidArgumentError } from '@ganforge/core';
import { encodePng, readImage } from '@ganforge/data/node';
import { bicubicResize, upscale } from '@ganforge/srgan';
import { resolveUpscalingModel } from '@ganforge/srgan/node';
import * as tf from '@tensorflow/tfjs';
import cliProgress from 'cli-progress';
import { Command } from 'commander';

import { backendOption } from '../backend-option.js';
import { interruptSignal } from '../interrupt-signal.js';
import { integerOption } from '../option-parsers.js';

export interface UpscaleCommandOptions {
  model: string;
  scale?: number;
  patchSize: number;
  padding?: number;
  backend?: string;
  quiet?: boolean;
}

/** Upscales one image file into a PNG; `--model bicubic` is the MATLAB-style bicubic baseline. */
export async function upscaleFile(input: string, output: string, options: UpscaleCommandOptions): Promise<number[]> {
  await useBackend({ backend: options.backend as never });
  const pixels = await readImage(input, { channels: 3 });
  let result: tf.Tensor3D;
  try {
    if (options.model === 'bicubic') {
      result = tf.tidy(
        () =>
          bicubicResize(pixels.toFloat() as tf.Tensor3D, { scale: options.scale ?? 4 }).clipByValue(
            0,
            255,
          ) as tf.Tensor3D,
      );
    } else {
      const model = await resolveUpscalingModel(options.model, { scale: options.scale });
      const bar = options.quiet
        ? undefined
        : new cliProgress.SingleBar(
            {
              format: 'upscale |{bar}| {value}/{total} tiles | ETA {eta_formatted}',
              hideCursor: true,
              noTTYOutput: true,
            },
            cliProgress.Presets.shades_classic,
          );
      try {
        result = await upscale(model, pixels, {
          patchSize: options.patchSize,
          padding: options.padding,
          signal: interruptSignal(),
          onProgress: ({ completed, total }) => {
            if (completed === 1) bar?.start(total, 0);
            bar?.update(completed);
          },
        });
      } finally {
        bar?.stop();
        model.model.dispose();
      }
    }
  } finally {
    pixels.dispose();
  }
  const [height, width] = result.shape;
  const rgba = tf.tidy(() => tf.concat([result.round(), tf.fill([height, width, 1], 255)], 2).toInt());
  const data = new Uint8Array(await rgba.data());
  tf.dispose([rgba, result]);
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, encodePng({ width, height, data }));
  return [height, width];
}

export function upscaleCommand(): Command {
  return new Command('upscale')
    .description('Upscale an image with a super-resolution model (tiled, seamless) and write a PNG.')
    .argument('<in>', 'PNG or JPEG image')
    .argument('<out>', 'PNG file to write')
    .requiredOption(
      '--model <folder|package>',
      "a model.json folder, a `ganforge train srresnet|srgan` run, an npm package such as @upscalerjs/esrgan-slim, or 'bicubic'",
    )
    .option('--scale <n>', 'upscaling factor (selects the model of multi-scale packages)', integerOption(1, 16))
    .option('--patch-size <px>', 'tile side in input pixels', integerOption(1), 64)
    .option(
      '--padding <px>',
      'context around each tile (default: the model’s receptive field, else 16)',
      integerOption(0),
    )
    .addOption(backendOption())
    .action(async (input: string, output: string, options: UpscaleCommandOptions) => {
      if (input === output) throw new InvalidArgumentError('<out>', 'a file other than <in>', output);
      const started = performance.now();
      const [height, width] = await upscaleFile(input, output, options);
      console.log(`Wrote ${output} (${width}x${height}) in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    });
}
