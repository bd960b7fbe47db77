import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { assertInteger, describedAs, FileNotFoundError, InvalidArgumentError, InvalidFileError } from '@ganforge/core';
import { readUserFile } from '@ganforge/core/node';
import {
  assertImagePixelsWithinLimit,
  type ImageSizeLimits,
  pixelsToSymmetric,
  type RgbaImage,
  rgbaImageToTensor,
} from '@ganforge/data';
import * as tf from '@tensorflow/tfjs';

import { ImageCodecUnavailableError, loadImageCodec } from './image-codec.js';
import { imageFileExtensions } from './image-file-format.js';
import {
  type ImageLimitOptionNames,
  type ImageSizeLimitsInForce,
  imageSizeLimitsInForce,
} from './image-size-limits-from-environment.js';

const readableFormats = 'a PNG, JPEG, WebP, GIF, TIFF or AVIF image';

// sharp's `metadata().format` names of the formats above (AVIF is read by libheif, hence 'heif'). Other
// formats libvips could open (SVG, PDF, its own .v files, FITS, ...) are refused before decoding.
const readableSharpFormats: ReadonlySet<string> = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'heif']);

/**
 * An image file could not be decoded: its bytes are not an image, are truncated or damaged, or are in a
 * format GANForge does not read. An {@link InvalidFileError} (code `INVALID_FILE`) naming the file.
 */
export class ImageDecodeError extends InvalidFileError {
  constructor(path: string, cause: unknown, received?: string) {
    super(
      path,
      readableFormats,
      received ?? `bytes that do not decode (${firstLine(cause instanceof Error ? cause.message : String(cause))})`,
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
 * The width and height the header declares are checked against `options.maxPixels` (default
 * {@link defaultMaxImagePixels}, or the environment variable `GANFORGE_MAX_IMAGE_PIXELS`) before any
 * pixel is decoded, so a 70-byte file that claims 60,000 x 60,000 pixels allocates nothing.
 *
 * @param name - the file's name, for the error message.
 * @throws SizeLimitError (code `SIZE_LIMIT`) when the image has more pixels than the limit.
 * @throws ImageDecodeError (an InvalidFileError) when the bytes are not an image sharp can read, or are
 *   in a format other than PNG, JPEG, WebP, GIF, TIFF or AVIF.
 * @throws ImageCodecUnavailableError when sharp's native binary is missing on this platform.
 * @example
 * ```ts
 * const { width, height, data } = await decodeImage(await readFile('photo.jpg'), 'photo.jpg');
 * ```
 */
export async function decodeImage(
  bytes: Uint8Array,
  name = 'image',
  options: ImageSizeLimits = {},
): Promise<RgbaImage> {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('bytes', 'a Uint8Array with image bytes', bytes);
  return decodeWithinLimits(bytes, name, imageSizeLimitsInForce(options));
}

async function decodeWithinLimits(bytes: Uint8Array, name: string, limits: ImageSizeLimitsInForce): Promise<RgbaImage> {
  const sharp = await loadImageCodec();
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // metadata() reads the header only; sharp's own pixel limit is off here so that the SizeLimitError
  // below can say how large the image claims to be.
  let width: number | undefined;
  let height: number | undefined;
  let format: string | undefined;
  try {
    ({ width, height, format } = await sharp(input, { limitInputPixels: false }).metadata());
  } catch (cause) {
    throw new ImageDecodeError(name, cause);
  }
  if (format === undefined || !readableSharpFormats.has(format)) {
    throw new ImageDecodeError(name, undefined, format ? `a ${format.toUpperCase()} file` : 'a file of unknown format');
  }
  if (width === undefined || height === undefined) {
    throw new ImageDecodeError(name, undefined, `a ${format.toUpperCase()} header without a width and height`);
  }
  assertImagePixelsWithinLimit(name, width, height, limits.maxPixels, limits.maxPixelsOption);
  try {
    // limitInputPixels again: the decoder itself refuses anything above the limit, whatever the header said.
    const { data, info } = await sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'warning' })
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

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

export interface ReadImageOptions extends ImageSizeLimits {
  /**
   * 1 (grey, ITU-R BT.601 luma as PIL's `convert('L')`), 3 (RGB, alpha dropped) or 4 (RGBA, straight
   * alpha, 255 where the file has none). Default 3.
   */
  readonly channels?: 1 | 3 | 4;
  /** The name the caller knows the path by (`'<input>'`, `'--hr'`), used in errors. Default `'path'`. */
  readonly argument?: string;
  /** How errors name the options that raise the limits, when the caller exposes them under other names. */
  readonly limitOptionNames?: ImageLimitOptionNames;
}

/**
 * Reads an image file (see {@link decodeImage}: EXIF orientation applied) as an int32 tensor
 * [height, width, channels] with values 0-255. Before decoding it checks that the path is a regular file
 * (symbolic links are followed; a folder, FIFO or device is refused, so nothing hangs), that the file
 * has at most `options.maxFileBytes` bytes (default {@link defaultMaxImageFileBytes}, or
 * `GANFORGE_MAX_IMAGE_BYTES`) and that its header declares at most `options.maxPixels` pixels.
 *
 * @throws InvalidArgumentError (`options.channels`, `options.maxPixels`, `options.maxFileBytes`).
 * @throws FileNotFoundError naming `options.argument` when the file does not exist.
 * @throws UnsafePathError when the path is not a regular file.
 * @throws SizeLimitError when the file or the image is above a limit (the message names the option).
 * @throws ImageDecodeError (an InvalidFileError) when the file is not an image GANForge reads.
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
  const argument = options.argument ?? 'path';
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(argument, 'a file path', path);
  return readImageWithinLimits(path, channels, argument, imageSizeLimitsInForce(options, options.limitOptionNames));
}

async function readImageWithinLimits(
  path: string,
  channels: 1 | 3 | 4,
  argument: string,
  limits: ImageSizeLimitsInForce,
): Promise<tf.Tensor3D> {
  // A path the user named (or an entry of a folder they named): symbolic links are followed, and what
  // they lead to must be a regular file within the size limit, checked before it is opened.
  const bytes = await readUserFile(path, {
    argument,
    expected: 'an existing image file',
    what: 'image file',
    maxBytes: limits.maxFileBytes,
    limitOption: limits.maxFileBytesOption,
  });
  return rgbaImageToTensor(await decodeWithinLimits(bytes, path, limits), channels);
}

export interface LoadImageFolderOptions extends ImageSizeLimits {
  /** Side of the square images to produce; each image is centre-cropped to a square and resized. */
  readonly size: number;
  /** 1 (grey) or 3 (RGB). Default 3. */
  readonly channels?: 1 | 3;
  /** Keep only the first `limit` files (sorted by name). */
  readonly limit?: number;
  /** The name the caller knows the folder by (`'--dataset'`), used in errors. Default `'directory'`. */
  readonly argument?: string;
  /** How errors name the options that raise the limits, when the caller exposes them under other names. */
  readonly limitOptionNames?: ImageLimitOptionNames;
}

/**
 * Loads every PNG, JPEG and WebP file in a folder (sorted by name; EXIF orientation applied) as square
 * images in [-1, 1], [N, size, size, channels], plus the file paths. An alpha channel is dropped. Each
 * file is read as {@link readImage} reads it: regular files only (symbolic links are followed, as data
 * sets often link into a shared pool; an entry named like an image that is a folder, FIFO or device is
 * refused with an UnsafePathError rather than skipped or waited on), within `options.maxFileBytes` and
 * `options.maxPixels`.
 *
 * @throws FileNotFoundError naming `options.argument` when the folder does not exist.
 * @throws InvalidArgumentError when it is not a folder, or holds no .png, .jpg, .jpeg or .webp file.
 * @throws UnsafePathError, SizeLimitError, ImageDecodeError naming the file that is refused.
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
  if (options.limit !== undefined) assertInteger(options.limit, 1, Number.MAX_SAFE_INTEGER, 'options.limit');
  const argument = options.argument ?? 'directory';
  if (typeof directory !== 'string' || directory === '') {
    throw new InvalidArgumentError(argument, 'a folder of PNG, JPEG or WebP images', directory);
  }
  const limits = imageSizeLimitsInForce(options, options.limitOptionNames);
  const names = (await listFolder(directory, argument))
    .filter((name) => imageFileExtensions.includes(extname(name).toLowerCase()))
    .sort();
  const paths = names.slice(0, options.limit ?? names.length).map((name) => join(directory, name));
  if (paths.length === 0) {
    throw new InvalidArgumentError(
      argument,
      'a folder with .png, .jpg, .jpeg or .webp files',
      describedAs(`${JSON.stringify(directory)}, which has none`),
    );
  }
  const images: tf.Tensor3D[] = [];
  try {
    for (const path of paths) {
      const pixels = await readImageWithinLimits(path, channels, argument, limits);
      images.push(tf.tidy(() => pixelsToSymmetric(cropAndResize(pixels, options.size)) as tf.Tensor3D));
      pixels.dispose();
    }
    return { images: tf.stack(images) as tf.Tensor4D, paths };
  } finally {
    tf.dispose(images);
  }
}

/** The names in a folder; a missing folder or a file in its place is the caller's mistake, named as such. */
async function listFolder(directory: string, argument: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new FileNotFoundError(argument, directory, 'an existing folder of PNG, JPEG or WebP images', { cause });
    }
    if (code === 'ENOTDIR') {
      throw new InvalidArgumentError(
        argument,
        'a folder of PNG, JPEG or WebP images',
        describedAs(`${JSON.stringify(directory)}, which is a file (pass its folder)`),
      );
    }
    throw new InvalidArgumentError(
      argument,
      'a folder this user may list',
      describedAs(`${JSON.stringify(directory)} (${code ?? String(cause)})`),
    );
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
