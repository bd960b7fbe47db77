import { GanForgeError, InvalidArgumentError } from '@ganforge/core';
import { type RgbaImage, rgbaImageToTensor } from '@ganforge/data';
import type * as tf from '@tensorflow/tfjs';

/** A browser could not decode an image Blob. */
export class BrowserImageDecodeError extends GanForgeError {
  constructor(name: string, cause: unknown) {
    super(
      'IMAGE_DECODE',
      `Could not decode ${name} as an image this browser reads (PNG, JPEG, WebP, GIF, AVIF): ${cause instanceof Error ? cause.message : String(cause)}`,
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
 * @throws BrowserImageDecodeError when the browser cannot decode the bytes.
 * @example
 * ```ts
 * const image = await decodeImageBlob(input.files[0]); // { width, height, data: RGBA bytes }
 * ```
 */
export async function decodeImageBlob(blob: Blob): Promise<RgbaImage> {
  if (typeof Blob === 'undefined' || !(blob instanceof Blob)) {
    throw new InvalidArgumentError('blob', 'a Blob or File with image bytes', blob);
  }
  const name = (blob as Partial<File>).name ?? 'image';
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
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
 * Reads an image `Blob` / `File` ({@link decodeImageBlob}: EXIF orientation applied) as an int32
 * tensor [height, width, channels], values 0-255: 1 (grey, ITU-R BT.601 luma), 3 (RGB, alpha dropped)
 * or 4 (RGBA). Default 3. The same values as `readImage` from `@ganforge/data/node` gives in Node.
 *
 * @throws InvalidArgumentError (`options.channels`); BrowserImageDecodeError.
 * @example
 * ```ts
 * const pixels = await readImageBlob(await (await fetch('photo.jpg')).blob()); // [h, w, 3]
 * const big = await upscale(model, pixels);
 * ```
 */
export async function readImageBlob(blob: Blob, options: { channels?: 1 | 3 | 4 } = {}): Promise<tf.Tensor3D> {
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new InvalidArgumentError('options.channels', '1, 3 or 4', channels);
  }
  return rgbaImageToTensor(await decodeImageBlob(blob), channels);
}
