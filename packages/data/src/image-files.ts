import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { assertInteger, GanForgeError, InvalidArgumentError } from '@ganforge/core';
import { pixelsToSymmetric, type RgbaImage, rgbaImageToTensor } from '@ganforge/data';
import * as tf from '@tensorflow/tfjs';

import { ImageCodecUnavailableError, loadImageCodec } from './image-codec.js';
import { imageFileExtensions } from './image-file-format.js';

/** An image file could not be decoded. */
export class ImageDecodeError extends GanForgeError {
  constructor(path: string, cause: unknown) {
    super(
      'IMAGE_DECODE',
      `Could not decode ${path} as an image (PNG, JPEG, WebP, GIF, TIFF or AVIF): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * Decodes image bytes (PNG, JPEG, WebP, GIF's first frame, TIFF, AVIF; detected from the content, not
 * the name) into 8-bit sRGB RGBA with straight alpha (255 where the file has none), turned upright as
 * its EXIF orientation says: a phone photo stored sideways with orientation 6 comes back upright, as
 * PIL's `ImageOps.exif_transpose` and browsers show it. Grey files come back with R = G = B, 16-bit
 * files scaled to 8 bits. Decoder: sharp (libvips).
 *
 * @param name - the file's name, for the error message.
 * @throws ImageDecodeError when the bytes are not an image sharp can read.
 * @throws ImageCodecUnavailableError when sharp's native binary is missing on this platform.
 * @example
 * ```ts
 * const { width, height, data } = await decodeImage(await readFile('photo.jpg'), 'photo.jpg');
 * ```
 */
export async function decodeImage(bytes: Uint8Array, name = 'image'): Promise<RgbaImage> {
  const sharp = await loadImageCodec();
  try {
    const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { data, info } = await sharp(input)
      .autoOrient()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (cause) {
    if (cause instanceof ImageCodecUnavailableError) throw cause;
    throw new ImageDecodeError(name, cause);
  }
}

export interface ReadImageOptions {
  /**
   * 1 (grey, ITU-R BT.601 luma as PIL's `convert('L')`), 3 (RGB, alpha dropped) or 4 (RGBA, straight
   * alpha, 255 where the file has none). Default 3.
   */
  readonly channels?: 1 | 3 | 4;
}

/**
 * Reads an image file (see {@link decodeImage}: EXIF orientation applied) as an int32 tensor
 * [height, width, channels] with values 0-255.
 *
 * @throws InvalidArgumentError (`options.channels`); ImageDecodeError; the file system's errors.
 * @example
 * ```ts
 * const rgba = await readImage('logo.png', { channels: 4 }); // [h, w, 4], alpha kept
 * ```
 */
export async function readImage(path: string, options: ReadImageOptions = {}): Promise<tf.Tensor3D> {
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new InvalidArgumentError('options.channels', '1, 3 or 4', channels);
  }
  const image = await decodeImage(await readFile(path), path);
  return rgbaImageToTensor(image, channels);
}

export interface LoadImageFolderOptions {
  /** Side of the square images to produce; each image is centre-cropped to a square and resized. */
  readonly size: number;
  /** 1 (grey) or 3 (RGB). Default 3. */
  readonly channels?: 1 | 3;
  /** Keep only the first `limit` files (sorted by name). */
  readonly limit?: number;
}

/**
 * Loads every PNG, JPEG and WebP file in a folder (sorted by name; EXIF orientation applied) as square
 * images in [-1, 1], [N, size, size, channels], plus the file paths. An alpha channel is dropped.
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
  const names = (await readdir(directory))
    .filter((name) => imageFileExtensions.includes(extname(name).toLowerCase()))
    .sort();
  const paths = names.slice(0, options.limit ?? names.length).map((name) => join(directory, name));
  if (paths.length === 0) {
    throw new InvalidArgumentError('directory', 'a folder with .png, .jpg, .jpeg or .webp files', directory);
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
