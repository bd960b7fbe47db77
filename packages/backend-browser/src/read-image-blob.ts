import { InvalidArgumentError, InvalidFileError } from '@ganforge/core';
import {
  assertImageFileWithinLimit,
  assertImagePixelsWithinLimit,
  type ImageSizeLimits,
  type RgbaImage,
  resolveImageSizeLimits,
  rgbaImageToTensor,
} from '@ganforge/data';
import type * as tf from '@tensorflow/tfjs';
import { imageSize } from 'image-size';

const readableFormats = 'a PNG, JPEG, WebP, GIF or AVIF image';

// image-size's names of the formats above: what every current browser decodes (AVIF: Chrome 85+,
// Firefox 93+, Safari 16+). Others it can size (SVG, BMP, ICO, PSD, ...) are refused before decoding.
const readableTypes: ReadonlySet<string> = new Set(['png', 'jpg', 'webp', 'gif', 'avif']);

/**
 * A browser could not decode an image Blob, or it is not in a format GANForge reads. An
 * {@link InvalidFileError} (code `INVALID_FILE`) naming the Blob (a `File`'s name, else `'image'`).
 */
export class BrowserImageDecodeError extends InvalidFileError {
  constructor(name: string, cause: unknown, received?: string) {
    super(
      name,
      readableFormats,
      received ?? `bytes this browser does not decode (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
}

/**
 * Decodes an image `Blob` / `File` (what an `<input type="file">`, a drop or `fetch(...).blob()` gives)
 * into 8-bit RGBA with the browser's own decoder, turned upright as its EXIF orientation says
 * (`createImageBitmap` with `imageOrientation: 'from-image'`), as `@ganforge/data/node`'s `decodeImage`
 * does in Node. Colour is not converted (`colorSpaceConversion: 'none'`) and alpha is not
 * premultiplied by the decoder; the 2D canvas the pixels are read through stores premultiplied
 * colour, so the colour of partly transparent pixels may be off by rounding (alpha and opaque pixels
 * are exact). Works in windows and workers (`OffscreenCanvas`).
 *
 * Before the browser decodes anything, the Blob's size is checked against `options.maxFileBytes` and the
 * width and height its header declares (read with the npm package `image-size`) against
 * `options.maxPixels` (defaults `defaultMaxImageFileBytes`, `defaultMaxImagePixels` of
 * `@ganforge/data`), so a 70-byte PNG that claims 60,000 x 60,000 pixels costs nothing.
 *
 * @throws InvalidArgumentError (`blob`, `options.maxPixels`, `options.maxFileBytes`).
 * @throws SizeLimitError (code `SIZE_LIMIT`) naming the option when the Blob or the image is too large.
 * @throws BrowserImageDecodeError (an InvalidFileError) when the bytes are not a PNG, JPEG, WebP, GIF or
 *   AVIF image the browser decodes.
 * @example
 * ```ts
 * const image = await decodeImageBlob(input.files[0]); // { width, height, data: RGBA bytes }
 * ```
 */
export async function decodeImageBlob(blob: Blob, options: ImageSizeLimits = {}): Promise<RgbaImage> {
  if (typeof Blob === 'undefined' || !(blob instanceof Blob)) {
    throw new InvalidArgumentError('blob', 'a Blob or File with image bytes', blob);
  }
  const limits = resolveImageSizeLimits(options);
  const name = (blob as Partial<File>).name || 'image';
  assertImageFileWithinLimit(name, blob.size, limits.maxFileBytes, 'options.maxFileBytes');
  // The bytes checked are the bytes decoded (a File on disk could change in between).
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let size: { width?: number; height?: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch (cause) {
    throw new BrowserImageDecodeError(
      name,
      cause,
      `bytes without a header that gives an image's size (${cause instanceof Error ? cause.message : String(cause)})`,
    );
  }
  if (size.type === undefined || !readableTypes.has(size.type)) {
    throw new BrowserImageDecodeError(name, undefined, `a ${String(size.type).toUpperCase()} file`);
  }
  if (size.width === undefined || size.height === undefined) {
    throw new BrowserImageDecodeError(
      name,
      undefined,
      `a ${size.type.toUpperCase()} header without a width and height`,
    );
  }
  assertImagePixelsWithinLimit(name, size.width, size.height, limits.maxPixels, 'options.maxPixels');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type: blob.type }), {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch (cause) {
    throw new BrowserImageDecodeError(name, cause);
  }
  try {
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new BrowserImageDecodeError(name, new Error('no 2D canvas context'));
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, width, height).data;
    return { width, height, data: new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength) };
  } finally {
    bitmap.close();
  }
}

/**
 * Reads an image `Blob` / `File` ({@link decodeImageBlob}: EXIF orientation applied, size limits checked
 * before decoding) as an int32 tensor [height, width, channels], values 0-255: 1 (grey, ITU-R BT.601
 * luma), 3 (RGB, alpha dropped) or 4 (RGBA). Default 3. The same values as `readImage` from
 * `@ganforge/data/node` gives in Node.
 *
 * @throws InvalidArgumentError (`options.channels`, `options.maxPixels`, `options.maxFileBytes`);
 *   SizeLimitError; BrowserImageDecodeError.
 * @example
 * ```ts
 * const pixels = await readImageBlob(await (await fetch('photo.jpg')).blob()); // [h, w, 3]
 * const big = await upscale(model, pixels);
 * ```
 */
export async function readImageBlob(
  blob: Blob,
  options: { channels?: 1 | 3 | 4 } & ImageSizeLimits = {},
): Promise<tf.Tensor3D> {
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new InvalidArgumentError('options.channels', '1, 3 or 4', channels);
  }
  return rgbaImageToTensor(await decodeImageBlob(blob, options), channels);
}
