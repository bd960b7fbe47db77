import { assertInteger, describedAs, InvalidArgumentError } from '@ganforge/core';
import { removeLegacyTemporaries, writeFileAtomically } from '@ganforge/core/node';

import { loadImageCodec } from './image-codec.js';
import { type ImageFileFormat, imageFileFormat } from './image-file-format.js';

/**
 * 8-bit pixels, row-major and interleaved: 1 channel (grey), 2 (grey, alpha), 3 (RGB) or 4 (RGBA,
 * straight alpha). An `RgbaImage` (from `tileImages`) is one with `channels` left out.
 */
export interface PixelImage {
  readonly width: number;
  readonly height: number;
  /** Default 4 (RGBA). */
  readonly channels?: 1 | 2 | 3 | 4;
  /** width * height * channels bytes. */
  readonly data: Uint8Array;
}

export interface EncodeImageOptions {
  /** JPEG and WebP quality, 1-100. Default 90. PNG is always lossless. */
  readonly quality?: number;
}

/**
 * Encodes pixels as PNG, JPEG or WebP bytes (sharp / libvips). PNG and WebP keep an alpha channel;
 * JPEG has none, so an image with transparent pixels is refused rather than silently flattened.
 *
 * @throws InvalidArgumentError (`image`) when the size, channel count or data length do not agree, or
 *   when JPEG is asked for an image with transparent pixels; (`format`) for an unknown format.
 * @example
 * ```ts
 * const bytes = await encodeImage({ width: 2, height: 1, channels: 3, data: Uint8Array.of(255, 0, 0, 0, 0, 255) }, 'png');
 * ```
 */
export async function encodeImage(
  image: PixelImage,
  format: ImageFileFormat,
  options: EncodeImageOptions = {},
): Promise<Uint8Array> {
  const channels = checkPixelImage(image);
  const quality = options.quality ?? 90;
  assertInteger(quality, 1, 100, 'options.quality');
  if (format === 'jpeg' && (channels === 2 || channels === 4) && hasTransparentPixel(image.data, channels)) {
    throw new InvalidArgumentError(
      'image',
      'an opaque image for JPEG, which cannot store transparency',
      describedAs(`${channels} channels with transparent pixels`),
      'Write a .png or .webp file to keep the alpha channel.',
    );
  }
  const sharp = await loadImageCodec();
  const pixels = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const pipeline = sharp(pixels, { raw: { width: image.width, height: image.height, channels } });
  let bytes: Buffer;
  if (format === 'png') bytes = await pipeline.png().toBuffer();
  else if (format === 'jpeg') bytes = await pipeline.removeAlpha().jpeg({ quality }).toBuffer();
  else if (format === 'webp') bytes = await pipeline.webp({ quality }).toBuffer();
  else throw new InvalidArgumentError('format', "'png', 'jpeg' or 'webp'", format);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Writes pixels to an image file whose format follows the extension (`.png`, `.jpg` / `.jpeg`,
 * `.webp`; see {@link imageFileFormat}). The file appears whole, also after a crash: it is written
 * with `writeFileAtomically` (temporary file, fsync, rename), so a viewer never sees half a picture;
 * temporaries an interrupted write left are removed. Parent folders are created.
 *
 * @param argument - what the caller calls `path` in its own errors (`'--out'`). Default `'path'`.
 * @throws InvalidArgumentError naming `argument` for an unsupported extension, before anything is
 *   encoded; the errors of {@link encodeImage}.
 * @example
 * ```ts
 * await writeImage('out/red.jpg', { width: 1, height: 1, channels: 3, data: Uint8Array.of(255, 0, 0) });
 * ```
 */
export async function writeImage(
  path: string,
  image: PixelImage,
  options: EncodeImageOptions & { readonly argument?: string } = {},
): Promise<void> {
  const format = imageFileFormat(path, options.argument ?? 'path');
  const bytes = await encodeImage(image, format, options);
  await removeLegacyTemporaries(path);
  await writeFileAtomically(path, bytes);
}

function checkPixelImage(image: PixelImage): 1 | 2 | 3 | 4 {
  const channels = image?.channels ?? 4;
  if (![1, 2, 3, 4].includes(channels)) throw new InvalidArgumentError('image.channels', '1, 2, 3 or 4', channels);
  assertInteger(image.width, 1, 1 << 20, 'image.width');
  assertInteger(image.height, 1, 1 << 20, 'image.height');
  if (!(image.data instanceof Uint8Array) || image.data.length !== image.width * image.height * channels) {
    throw new InvalidArgumentError(
      'image.data',
      `a Uint8Array of width * height * channels = ${image.width * image.height * channels} bytes`,
      image.data instanceof Uint8Array ? describedAs(`${image.data.length} bytes`) : image.data,
    );
  }
  return channels;
}

function hasTransparentPixel(data: Uint8Array, channels: 2 | 4): boolean {
  for (let index = channels - 1; index < data.length; index += channels) if (data[index]! < 255) return true;
  return false;
}
