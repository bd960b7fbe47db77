import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { InvalidArgumentError } from '@ganforge/core';
import { imageFileExtensions, readImage } from '@ganforge/data/node';
import { type ImageQualityChannel, psnr, ssim } from '@ganforge/metrics';

import { namingPath } from '../file-system-error.js';
import { namingFlags } from '../flag-names.js';
import { assertExistingFolder } from '../input-paths.js';
import type { EvaluationProgress } from './eval-progress.js';

async function imageNames(folder: string, argument: string): Promise<string[]> {
  await assertExistingFolder(argument, folder, 'a folder of PNG/JPEG/WebP images');
  const names = await namingPath(argument, () => readdir(folder));
  const images = names.filter((name) => imageFileExtensions.includes(extname(name).toLowerCase())).sort();
  if (images.length === 0)
    throw new InvalidArgumentError(argument, 'a folder with .png, .jpg, .jpeg or .webp files', folder);
  return images;
}

/** PSNR or SSIM of every image of `sr` against the image of the same name in `hr`, as 8-bit RGB. */
export async function imageFolderQuality(
  metric: 'psnr' | 'ssim',
  options: { sr: string; hr: string; cropBorder: number; channel: ImageQualityChannel },
  progressFor: (total: number) => EvaluationProgress,
): Promise<Record<string, unknown>> {
  const names = await imageNames(options.sr, '--sr');
  const available = new Set(await imageNames(options.hr, '--hr'));
  const missing = names.filter((name) => !available.has(name));
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      '--hr',
      `an image for every file of --sr (same names)`,
      options.hr,
      `Missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}.`,
    );
  }
  const measure = metric === 'psnr' ? psnr : ssim;
  const progress = progressFor(names.length);
  const images: { file: string; value: number }[] = [];
  try {
    for (const [index, name] of names.entries()) {
      const sr = await namingFlags({ path: '--sr' }, () => readImage(join(options.sr, name), { channels: 3 }));
      const hr = await namingFlags({ path: '--hr' }, () => readImage(join(options.hr, name), { channels: 3 }));
      try {
        if (sr.shape.some((size, axis) => size !== hr.shape[axis])) {
          throw new InvalidArgumentError(
            '--sr',
            `images the size of their ground truth`,
            options.sr,
            `${name} is ${sr.shape[1]}x${sr.shape[0]} in --sr but ${hr.shape[1]}x${hr.shape[0]} in --hr.`,
          );
        }
        const { values } = await measure(sr, hr, {
          inputRange: [0, 255],
          cropBorder: options.cropBorder,
          channel: options.channel,
        });
        images.push({ file: name, value: values[0]! });
      } finally {
        sr.dispose();
        hr.dispose();
      }
      progress.update(index + 1, name);
    }
  } finally {
    progress.stop();
  }
  return {
    metric,
    unit: metric === 'psnr' ? 'dB' : undefined,
    mean: images.reduce((sum, image) => sum + image.value, 0) / images.length,
    convention: { channel: options.channel, cropBorder: options.cropBorder, dataRange: 255, quantized: true },
    images,
  };
}
