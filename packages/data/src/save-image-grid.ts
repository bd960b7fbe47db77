import { type ImageGridOptions, tileImages } from '@ganforge/data';
import type * as tf from '@tensorflow/tfjs';

import { imageFileFormat } from './image-file-format.js';
import { type EncodeImageOptions, writeImage } from './write-image.js';

/**
 * Writes a batch of images in [-1, 1] ([N, H, W, 1 or 3]) as one grid; the format follows the
 * extension (`.png`, `.jpg` / `.jpeg`, `.webp`). The file appears whole (written next to its target,
 * then renamed), so a viewer never sees half a picture.
 *
 * @throws InvalidArgumentError (`path`) for another extension, before the tensor is read; the errors
 *   of `tileImages`.
 * @example
 * ```ts
 * await saveImageGrid(trainer.generate({ count: 64 }), 'runs/demo/samples.png');
 * ```
 */
export async function saveImageGrid(
  images: tf.Tensor,
  path: string,
  options: ImageGridOptions & EncodeImageOptions = {},
): Promise<void> {
  imageFileFormat(path, 'path');
  const { quality, ...grid } = options;
  await writeImage(path, await tileImages(images, grid), { quality });
}
