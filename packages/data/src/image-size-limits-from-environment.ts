import { limitFromEnvironment } from '@ganforge/core/node';
import { type ImageSizeLimits, resolveImageSizeLimits } from '@ganforge/data';

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
 * The image limits for a read in Node: `options.maxPixels` / `options.maxFileBytes` when given, else the
 * environment variables `GANFORGE_MAX_IMAGE_PIXELS` / `GANFORGE_MAX_IMAGE_BYTES` when set (how `ganforge`
 * commands and programs built on these readers raise them without new code), else the defaults.
 *
 * @throws InvalidArgumentError naming the option or variable that is set but not a positive integer.
 */
export function imageSizeLimitsInForce(options: ImageSizeLimits = {}): ImageSizeLimitsInForce {
  const limits = resolveImageSizeLimits({
    maxPixels: options.maxPixels ?? limitFromEnvironment(maxImagePixelsVariable),
    maxFileBytes: options.maxFileBytes ?? limitFromEnvironment(maxImageFileBytesVariable),
  });
  return {
    ...limits,
    maxPixelsOption:
      options.maxPixels !== undefined ? 'options.maxPixels' : `options.maxPixels or ${maxImagePixelsVariable}=N`,
    maxFileBytesOption:
      options.maxFileBytes !== undefined
        ? 'options.maxFileBytes'
        : `options.maxFileBytes or ${maxImageFileBytesVariable}=N`,
  };
}
