import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { type ImageGridOptions, type RgbaImage, tileImages } from '@ganforge/data';
import type * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';

/** Encodes an RGBA bitmap as PNG bytes (pngjs). */
export function encodePng(image: RgbaImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const bytes = PNG.sync.write(png);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Writes a batch of images in [-1, 1] ([N, H, W, 1 or 3]) as one PNG grid. The file appears
 * whole (written next to its target, then renamed), so a viewer never sees half a picture.
 *
 * @example
 * ```ts
 * await saveImageGrid(trainer.generate({ count: 64 }), 'runs/demo/samples.png');
 * ```
 */
export async function saveImageGrid(images: tf.Tensor, path: string, options: ImageGridOptions = {}): Promise<void> {
  const bytes = encodePng(await tileImages(images, options));
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}
