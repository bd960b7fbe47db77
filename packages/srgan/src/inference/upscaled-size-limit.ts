import { assertInteger, SizeLimitError } from '@ganforge/core';

/**
 * Default largest upscaled image, in pixels (output height x width): 2^26 = 67,108,864, e.g. 8,192 x
 * 8,192. Tiled upscaling keeps the whole output as float32 RGB plus its integer copy for the encoder;
 * measured on tfjs-backend-wasm 4.22 (Node 20, bicubic x8 of 1,000 x 1,000), an 8,000 x 8,000 output
 * peaked at 3.5 GB, and a 16,384 x 16,384 one ran out of WebAssembly's 4 GiB memory ("memory access out
 * of bounds"). Raise it on the GPU backends or for the `cpu` backend with more memory.
 */
export const defaultMaxUpscaledPixels = 2 ** 26;

/**
 * Checks the size of an upscaled image before any of it is allocated.
 *
 * @param height - input height in pixels. @param width - input width in pixels.
 * @param scale - the upscaling factor. @param maxPixels - the limit, output pixels.
 * @param option - what raises the limit, named in the error.
 * @throws SizeLimitError (code `SIZE_LIMIT`) when (height x scale) x (width x scale) is above `maxPixels`.
 */
export function assertUpscaledSizeWithinLimit(
  height: number,
  width: number,
  scale: number,
  maxPixels: number,
  option: string,
): void {
  assertInteger(maxPixels, 1, Number.MAX_SAFE_INTEGER, option);
  const pixels = height * scale * width * scale;
  if (pixels > maxPixels) {
    throw new SizeLimitError(
      `the upscaled image (${width * scale} x ${height * scale}: ${width} x ${height} at x${scale})`,
      maxPixels,
      pixels,
      'pixels',
      option,
    );
  }
}
