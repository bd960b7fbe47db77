import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { InvalidArgumentError } from '@ganforge/core';
import { imageFileExtensions, readImage } from '@ganforge/data/node';
import type * as tf from '@tensorflow/tfjs';

/**
 * Reads the PNG/JPEG/WebP photos of a folder at full size as RGB pixels 0-255 ([height, width, 3] each;
 * greyscale files are repeated over three channels, alpha is dropped, EXIF orientation is applied so
 * phone photos are upright), sorted by name, for {@link SuperResolutionDataset}.
 *
 * @example
 * ```ts
 * const { images } = await loadPhotos('photos/', { exclude: ['test.png'] });
 * ```
 */
export async function loadPhotos(
  directory: string,
  options: { include?: readonly string[]; exclude?: readonly string[]; minSize?: number } = {},
): Promise<{ images: tf.Tensor3D[]; paths: string[] }> {
  const names = (await readdir(directory))
    .filter((name) => imageFileExtensions.includes(extname(name).toLowerCase()))
    .filter((name) => !options.include || options.include.includes(name))
    .filter((name) => !options.exclude?.includes(name))
    .sort();
  const images: tf.Tensor3D[] = [];
  const paths: string[] = [];
  for (const name of names) {
    const image = await readImage(join(directory, name), { channels: 3 });
    if (options.minSize !== undefined && Math.min(image.shape[0], image.shape[1]) < options.minSize) {
      image.dispose();
      continue;
    }
    images.push(image);
    paths.push(join(directory, name));
  }
  if (images.length === 0) {
    throw new InvalidArgumentError(
      'directory',
      'a folder with PNG, JPEG or WebP photos (after include/exclude)',
      directory,
    );
  }
  return { images, paths };
}
