import { describedAs, InvalidArgumentError } from '@ganforge/core';
import { imageFileFormat, readImage, writeImage } from '@ganforge/data/node';
import { limitFromEnvironment } from '@ganforge/core/node';
import { assertUpscaledSizeWithinLimit, bicubicResize, defaultMaxUpscaledPixels, upscale } from '@ganforge/srgan';
import { resolveUpscalingModel } from '@ganforge/srgan/node';
import * as tf from '@tensorflow/tfjs';
import cliProgress from 'cli-progress';
import { Command } from 'commander';

import { backendOption, startBackend, threadsOption } from '../backend-option.js';
import { namingPath } from '../file-system-error.js';
import { namingFlags } from '../flag-names.js';
import { assertExistingFile } from '../input-paths.js';
import { interruptSignal } from '../interrupt-signal.js';
import { integerOption } from '../option-parsers.js';
import { assertWritableOutputFile, createOutputFolders, overwriteFlag } from '../output-paths.js';

export interface UpscaleCommandOptions {
  model: string;
  scale?: number;
  patchSize: number;
  padding?: number;
  backend?: string;
  quiet?: boolean;
  /** Replace `<out>` if it exists. Default false: an existing file is refused. */
  overwrite?: boolean;
}

/** Raises the largest upscaled image (pixels; default `defaultMaxUpscaledPixels`, 2^26). */
const maxOutputPixelsVariable = 'GANFORGE_MAX_OUTPUT_PIXELS';

/**
 * Upscales one image file; `--model bicubic` is the MATLAB-style bicubic baseline. The colour goes
 * through the model; an alpha channel (any pixel below 255) is enlarged alongside with MATLAB bicubic,
 * clamped to 0-255, and kept. The output's format follows its extension (.png, .jpg / .jpeg, .webp);
 * any other extension, and JPEG for an image with transparency, is refused before the model loads.
 * Returns the output's [height, width].
 */
export async function upscaleFile(input: string, output: string, options: UpscaleCommandOptions): Promise<number[]> {
  imageFileFormat(output, '<out>');
  await assertExistingFile('<in>', input, 'an existing image file');
  await assertWritableOutputFile('<out>', output, { overwrite: options.overwrite ?? false });
  await startBackend(options);
  const rgba = await namingFlags({ path: '<in>' }, () => readImage(input, { channels: 4 }));
  const [inHeight, inWidth] = rgba.shape;
  const alphaMinimum = tf.tidy(() => rgba.slice([0, 0, 3], [-1, -1, 1]).min());
  const transparent = (await alphaMinimum.data())[0]! < 255;
  alphaMinimum.dispose();
  if (transparent && imageFileFormat(output, '<out>') === 'jpeg') {
    rgba.dispose();
    throw new InvalidArgumentError(
      '<out>',
      'a .png or .webp file, which can keep the transparency of <in>',
      output,
      'JPEG cannot store transparency.',
    );
  }
  // The output's size is limited before it is allocated (a 4,096^2 photo at x4 ran wasm out of memory).
  const maxOutputPixels = limitFromEnvironment(maxOutputPixelsVariable) ?? defaultMaxUpscaledPixels;
  const maxOutputPixelsOption = `options.maxOutputPixels or ${maxOutputPixelsVariable}=N`;
  if (options.model === 'bicubic') {
    try {
      assertUpscaledSizeWithinLimit(inHeight, inWidth, options.scale ?? 4, maxOutputPixels, maxOutputPixelsOption);
    } catch (error) {
      rgba.dispose();
      throw error;
    }
  }
  const pixels = tf.tidy(() => rgba.slice([0, 0, 0], [-1, -1, 3]));
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
      const model = await namingFlags({ model: '--model', 'options.scale': '--scale' }, () =>
        resolveUpscalingModel(options.model, { scale: options.scale }),
      );
      assertImageToImageModel(model.model, options.model);
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
        result = await namingFlags({ 'options.patchSize': '--patch-size', 'options.padding': '--padding' }, () =>
          upscale(model, pixels, {
            patchSize: options.patchSize,
            padding: options.padding,
            maxOutputPixels,
            maxOutputPixelsOption,
            signal: interruptSignal(),
            onProgress: ({ completed, total }) => {
              if (completed === 1) bar?.start(total, 0);
              bar?.update(completed);
            },
          }),
        );
      } finally {
        bar?.stop();
        model.model.dispose();
      }
    }
  } catch (error) {
    rgba.dispose();
    throw error;
  } finally {
    pixels.dispose();
  }
  const [height, width] = result.shape;
  // Straight alpha, enlarged to exactly the colour's size (as Real-ESRGAN and waifu2x keep alpha: separately).
  const image = tf.tidy(() => {
    const colour = result.round();
    if (!transparent) return colour.toInt();
    const alpha = bicubicResize(rgba.slice([0, 0, 3], [inHeight, inWidth, 1]).toFloat() as tf.Tensor3D, {
      size: [height, width],
    });
    return tf.concat([colour, alpha.clipByValue(0, 255).round()], 2).toInt();
  });
  tf.dispose([rgba, result]);
  const data = new Uint8Array(await image.data());
  const channels = image.shape[2] as 3 | 4;
  image.dispose();
  await createOutputFolders('<out>', output);
  await namingPath('<out>', () => writeImage(output, { width, height, channels, data }, { argument: '<out>' }));
  return [height, width];
}

/**
 * A model `upscale` can tile takes RGB images, [batch, height, width, 3]: a generator of another
 * kind (a DCGAN run's, which takes noise) is refused naming `--model`, not the tiles it would get.
 */
function assertImageToImageModel(model: tf.LayersModel, name: string): void {
  const shape = model.inputs[0]?.shape;
  if (model.inputs.length !== 1 || shape?.length !== 4 || shape[3] !== 3) {
    model.dispose();
    throw new InvalidArgumentError(
      '--model',
      'a super-resolution model taking RGB images [batch, height, width, 3]',
      describedAs(
        `${JSON.stringify(name)}, a model taking ${model.inputs.map((input) => `[${input.shape.map(String).join(', ')}]`).join(' and ')}`,
      ),
    );
  }
}

export function upscaleCommand(): Command {
  return new Command('upscale')
    .description(
      'Upscale an image with a super-resolution model (tiled, seamless); transparency is kept (alpha enlarged with bicubic).',
    )
    .argument('<in>', 'PNG, JPEG or WebP image (EXIF orientation applied)')
    .argument('<out>', 'image file to write: .png, .jpg / .jpeg or .webp (the extension picks the format)')
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
    .option(overwriteFlag, 'replace <out> if it exists', false)
    .addOption(backendOption())
    .addOption(threadsOption())
    .action(async (input: string, output: string, options: UpscaleCommandOptions) => {
      if (input === output) throw new InvalidArgumentError('<out>', 'a file other than <in>', output);
      const started = performance.now();
      const [height, width] = await upscaleFile(input, output, options);
      console.log(`Wrote ${output} (${width}x${height}) in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    });
}
