import { limitFromEnvironment } from '@ganforge/core/node';
import { assertInteger } from '@ganforge/core';
import { defaultMaxImageFileBytes, defaultMaxImagePixels, type ImageSizeLimits } from '@ganforge/data';

/** Environment variable that raises (or lowers) the pixel limit of every image reader in Node. */
export const maxImagePixelsVariable = 'GANFORGE_MAX_IMAGE_PIXELS';
/** Environment variable that raises (or lowers) the file-size limit of every image reader in Node. */
export const maxImageFileBytesVariable = 'GANFORGE_MAX_IMAGE_BYTES';

/** Image size limits in force for one read, and what raises each (named in a `SizeLimitError`). */
export interface ImageSizeLimitsInForce {
  readonly maxPixels: number;
  readonly maxFileBytes: number;
  readonly maxPixelsOption: string;
  readonly maxFileBytesOption: string;
}

/**
 * How errors name the options that raise the image limits, for callers that expose them under other
 * names (`{ maxPixels: 'options.maxImagePixels' }`, `{ maxPixels: '--max-image-pixels' }`). Defaults
 * `'options.maxPixels'` and `'options.maxFileBytes'`.
 */
export interface ImageLimitOptionNames {
  readonly maxPixels?: string;
  readonly maxFileBytes?: string;
}

/**
 * The image limits for a read in Node: `options.maxPixels` / `options.maxFileBytes` when given, else the
 * environment variables `GANFORGE_MAX_IMAGE_PIXELS` / `GANFORGE_MAX_IMAGE_BYTES` when set (how `ganforge`
 * commands and programs built on these readers raise them without new code), else the defaults. What
 * raises each limit is named as `names` says, followed by the environment variable when the option was
 * not given (`'options.maxPixels or GANFORGE_MAX_IMAGE_PIXELS=N'`).
 *
 * @throws InvalidArgumentError naming the option or variable that is set but not a positive integer.
 * @example
 * ```ts
 * imageSizeLimitsInForce({}).maxPixels; // 33554432 unless GANFORGE_MAX_IMAGE_PIXELS is set
 * ```
 */
export function imageSizeLimitsInForce(
  options: ImageSizeLimits = {},
  names: ImageLimitOptionNames = {},
): ImageSizeLimitsInForce {
  const maxPixelsName = names.maxPixels ?? 'options.maxPixels';
  const maxFileBytesName = names.maxFileBytes ?? 'options.maxFileBytes';
  if (options.maxPixels !== undefined) assertInteger(options.maxPixels, 1, Number.MAX_SAFE_INTEGER, maxPixelsName);
  if (options.maxFileBytes !== undefined) {
    assertInteger(options.maxFileBytes, 1, Number.MAX_SAFE_INTEGER, maxFileBytesName);
  }
  return {
    maxPixels: options.maxPixels ?? limitFromEnvironment(maxImagePixelsVariable) ?? defaultMaxImagePixels,
    maxFileBytes: options.maxFileBytes ?? limitFromEnvironment(maxImageFileBytesVariable) ?? defaultMaxImageFileBytes,
    maxPixelsOption:
      options.maxPixels !== undefined ? maxPixelsName : `${maxPixelsName} or ${maxImagePixelsVariable}=N`,
    maxFileBytesOption:
      options.maxFileBytes !== undefined ? maxFileBytesName : `${maxFileBytesName} or ${maxImageFileBytesVariable}=N`,
  };
}
