import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { assertInteger, GanForgeError, InvalidArgumentError } from '@ganforge/core';
import { pixelsToSymmetric, type RgbaImage } from '@ganforge/data';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** An image file could not be decoded. */
export class ImageDecodeError extends GanForgeError {
  constructor(path: string, cause: unknown) {
    super(
      'IMAGE_DECODE',
      `Could not decode ${path} as PNG or JPEG: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47];

/** Decodes PNG or JPEG bytes (detected from the content, not the name) into RGBA. */
export function decodeImage(bytes: Uint8Array, name = 'image'): RgbaImage {
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (pngSignature.every((byte, index) => bytes[index] === byte)) {
      const png = PNG.sync.read(buffer);
      return {
        width: png.width,
        height: png.height,
        data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
      };
    }
    const decoded = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true });
    return { width: decoded.width, height: decoded.height, data: decoded.data };
  } catch (cause) {
    throw new ImageDecodeError(name, cause);
  }
}

/** Reads a PNG or JPEG file as an integer tensor [height, width, channels] with values 0-255. */
export async function readImage(path: string, options: { channels?: 1 | 3 } = {}): Promise<tf.Tensor3D> {
  const image = decodeImage(await readFile(path), path);
  return rgbaToTensor(image, options.channels ?? 3);
}

function rgbaToTensor(image: RgbaImage, channels: 1 | 3): tf.Tensor3D {
  return tf.tidy(() => {
    const rgba = tf.tensor3d(image.data, [image.height, image.width, 4], 'int32');
    const rgb = rgba.slice([0, 0, 0], [-1, -1, 3]);
    // ITU-R BT.601 luma, as PIL's convert('L') computes it.
    return channels === 3
      ? rgb
      : (rgb.toFloat().mul([0.299, 0.587, 0.114]).sum(2, true).round().toInt() as tf.Tensor3D);
  });
}

export interface LoadImageFolderOptions {
  /** Side of the square images to produce; each image is centre-cropped to a square and resized. */
  readonly size: number;
  /** 1 (grey) or 3 (RGB). Default 3. */
  readonly channels?: 1 | 3;
  /** Keep only the first `limit` files (sorted by name). */
  readonly limit?: number;
}

const imageExtensions = new Set(['.png', '.jpg', '.jpeg']);

/**
 * Loads every PNG/JPEG in a folder (sorted by name) as square images in [-1, 1],
 * [N, size, size, channels], plus the file paths.
 *
 * @example
 * ```ts
 * const { images } = await loadImageFolder('photos/', { size: 64 });
 * const dataset = new TensorDataset({ real: images });
 * ```
 */
export async function loadImageFolder(
  directory: string,
  options: LoadImageFolderOptions,
): Promise<{ images: tf.Tensor4D; paths: string[] }> {
  assertInteger(options?.size, 1, 4096, 'options.size');
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3) throw new InvalidArgumentError('options.channels', '1 or 3', channels);
  const names = (await readdir(directory)).filter((name) => imageExtensions.has(extname(name).toLowerCase())).sort();
  const paths = names.slice(0, options.limit ?? names.length).map((name) => join(directory, name));
  if (paths.length === 0) {
    throw new InvalidArgumentError('directory', 'a folder with .png, .jpg or .jpeg files', directory);
  }
  const images: tf.Tensor3D[] = [];
  try {
    for (const path of paths) {
      const pixels = await readImage(path, { channels });
      images.push(tf.tidy(() => pixelsToSymmetric(cropAndResize(pixels, options.size)) as tf.Tensor3D));
      pixels.dispose();
    }
    return { images: tf.stack(images) as tf.Tensor4D, paths };
  } finally {
    tf.dispose(images);
  }
}

function cropAndResize(image: tf.Tensor3D, size: number): tf.Tensor3D {
  const [height, width] = image.shape;
  const side = Math.min(height, width);
  const top = Math.floor((height - side) / 2);
  const left = Math.floor((width - side) / 2);
  const square = image.slice([top, left, 0], [side, side, -1]);
  return side === size ? square : tf.image.resizeBilinear(square.toFloat(), [size, size], true);
}
