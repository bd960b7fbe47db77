import { extname } from 'node:path';

import { InvalidArgumentError } from '@ganforge/core';

/** The formats GANForge writes image files in, chosen by the file's extension. */
export type ImageFileFormat = 'png' | 'jpeg' | 'webp';

const formatsByExtension: Readonly<Record<string, ImageFileFormat>> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.webp': 'webp',
};

/** Extensions (lower case, with the dot) of the image files GANForge reads from folders and writes. */
export const imageFileExtensions: readonly string[] = Object.keys(formatsByExtension);

/**
 * The format an image file is written in, from its extension (case-insensitive): `.png` -> PNG,
 * `.jpg` / `.jpeg` -> JPEG, `.webp` -> WebP. Call it before doing the work whose result goes there.
 *
 * @param path - the file to write.
 * @param argument - the name the caller knows the path by (`'path'`, `'--out'`), for the error.
 * @throws InvalidArgumentError naming `argument` for any other extension (or none).
 * @example
 * ```ts
 * imageFileFormat('grid.jpg', '--out'); // 'jpeg'
 * ```
 */
export function imageFileFormat(path: string, argument = 'path'): ImageFileFormat {
  const format = typeof path === 'string' ? formatsByExtension[extname(path).toLowerCase()] : undefined;
  if (!format) {
    throw new InvalidArgumentError(
      argument,
      'a file name ending in .png, .jpg, .jpeg or .webp (the extension picks the format)',
      path,
    );
  }
  return format;
}
