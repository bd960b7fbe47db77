import { assertInteger, SizeLimitError } from '@ganforge/core';

/**
 * Default largest image a GANForge reader decodes, in pixels (width x height of one frame): 2^25 =
 * 33,554,432, e.g. 8,192 x 4,096. Above the photos phones and most cameras save by default (12-24 MP
 * bodies and phones, 45-50 MP high-resolution bodies) and far above what GANForge's models take (GAN
 * training images up to 256^2, super-resolution inputs a x4 upscale turns into 537-megapixel outputs at
 * this size). Reading peaks near 34 bytes a pixel (sharp's RGBA bytes, tfjs's int32 RGBA tensor and its
 * RGB slice; measured with `readImage` and `loadImageFolder` on a 16-megapixel PNG, Node 20, cpu
 * backend), so an image at this limit needs about 1.1 GB, and a 74-byte file whose header lies cannot
 * make a reader allocate more. 61-102 MP camera frames need the limit raised.
 */
export const defaultMaxImagePixels = 2 ** 25;

/**
 * Default largest image file a GANForge reader reads into memory, in bytes: 2^28 = 256 MiB. A PNG of
 * noise at {@link defaultMaxImagePixels} (RGB, 8 bits) is about 100 MB; photos compress far better.
 */
export const defaultMaxImageFileBytes = 2 ** 28;

/** Limits on an image a reader accepts, checked before anything is decoded. */
export interface ImageSizeLimits {
  /** Largest width x height of the (first) frame. Default {@link defaultMaxImagePixels}. */
  readonly maxPixels?: number;
  /** Largest file (or Blob) in bytes. Default {@link defaultMaxImageFileBytes}. */
  readonly maxFileBytes?: number;
}

/**
 * Checks the size an image's header declares against `maxPixels`, before any pixel is decoded.
 *
 * @param name - the file (or Blob) the header came from, for the message.
 * @param option - what raises the limit (`'options.maxPixels'`), named in the message.
 * @throws SizeLimitError (code `SIZE_LIMIT`) when width x height is above `maxPixels`.
 * @example
 * ```ts
 * assertImagePixelsWithinLimit('huge.png', 60000, 60000, defaultMaxImagePixels, 'options.maxPixels'); // throws
 * ```
 */
export function assertImagePixelsWithinLimit(
  name: string,
  width: number,
  height: number,
  maxPixels: number,
  option: string,
): void {
  const pixels = width * height;
  if (!(pixels <= maxPixels)) {
    throw new SizeLimitError(`${name} (a ${width} x ${height} image)`, maxPixels, pixels, 'pixels', option);
  }
}

/**
 * Checks a file's (or Blob's) size in bytes against `maxFileBytes` before it is read.
 *
 * @throws SizeLimitError (code `SIZE_LIMIT`) naming `option` when `bytes` is above `maxFileBytes`.
 */
export function assertImageFileWithinLimit(name: string, bytes: number, maxFileBytes: number, option: string): void {
  if (!(bytes <= maxFileBytes)) throw new SizeLimitError(name, maxFileBytes, bytes, 'bytes', option);
}

/**
 * The limits in `options` with the defaults filled in (browsers: no environment variables).
 *
 * @throws InvalidArgumentError naming `options.maxPixels` / `options.maxFileBytes` when one is given but is
 *   not a positive integer.
 */
export function resolveImageSizeLimits(options: ImageSizeLimits = {}): Required<ImageSizeLimits> {
  if (options.maxPixels !== undefined) {
    assertInteger(options.maxPixels, 1, Number.MAX_SAFE_INTEGER, 'options.maxPixels');
  }
  if (options.maxFileBytes !== undefined) {
    assertInteger(options.maxFileBytes, 1, Number.MAX_SAFE_INTEGER, 'options.maxFileBytes');
  }
  return {
    maxPixels: options.maxPixels ?? defaultMaxImagePixels,
    maxFileBytes: options.maxFileBytes ?? defaultMaxImageFileBytes,
  };
}
