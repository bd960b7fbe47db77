import { dirname, isAbsolute, join, posix, win32 } from 'node:path';

import { assertInteger, InvalidArgumentError, InvalidFileError, UnsafePathError } from '@ganforge/core';
import { limitFromEnvironment, readUserFile } from '@ganforge/core/node';
import { pixelsToSymmetric } from '@ganforge/data';
import { readImage } from '@ganforge/data/node';
import * as tf from '@tensorflow/tfjs';

export interface LoadCaptionedImagesOptions {
  /** Side of the square pictures to produce (centre crop, bilinear resize). */
  readonly size: number;
  /** 1 (grey) or 3 (RGB). Default 3. */
  readonly channels?: 1 | 3;
  /** Keep only the first `limit` pictures (in file order). */
  readonly limit?: number;
  /**
   * Refuse, before reading, a caption file larger than this many bytes (SizeLimitError). Default:
   * the `GANFORGE_MAX_CAPTION_FILE_BYTES` environment variable when set, else
   * {@link defaultMaxCaptionFileBytes}.
   */
  readonly maxFileBytes?: number;
  /**
   * Accept picture paths that are absolute or climb out of the caption file's folder with `..`.
   * Default false (also settable with `GANFORGE_CAPTION_PATHS_OUTSIDE_FOLDER=1`): a caption file from
   * someone else then reads only pictures in its own folder tree.
   */
  readonly allowPathsOutsideFolder?: boolean;
  /**
   * Refuse, before decoding, a picture whose header declares more pixels than this (SizeLimitError).
   * Default: `GANFORGE_MAX_IMAGE_PIXELS` when set, else `defaultMaxImagePixels` of `@ganforge/data`.
   */
  readonly maxImagePixels?: number;
  /**
   * Refuse, before reading, a picture file larger than this many bytes (SizeLimitError). Default:
   * `GANFORGE_MAX_IMAGE_BYTES` when set, else `defaultMaxImageFileBytes` of `@ganforge/data`.
   */
  readonly maxImageFileBytes?: number;
}

/**
 * Default {@link LoadCaptionedImagesOptions.maxFileBytes}: 256 MiB. CUB's 11,788 pictures with ten
 * captions each make about 12 MB of `path<TAB>caption` lines, COCO's 600,000 captions about 40 MB;
 * the whole file becomes one string, which V8 caps at about 512 MiB.
 */
export const defaultMaxCaptionFileBytes = 256 * 1024 ** 2;

/** Environment variable that sets {@link LoadCaptionedImagesOptions.maxFileBytes} where no option is given (the CLI). */
export const maxCaptionFileBytesVariable = 'GANFORGE_MAX_CAPTION_FILE_BYTES';

/** Environment variable that, set to `1`, allows picture paths outside the caption file's folder. */
export const captionPathsOutsideFolderVariable = 'GANFORGE_CAPTION_PATHS_OUTSIDE_FOLDER';

/**
 * Loads pictures and captions listed in a `path<TAB>caption` file (paths relative to the file's
 * folder; blank lines and lines starting with '#' skipped; a picture may appear on several lines,
 * one per caption). Pictures are square, in [-1, 1].
 *
 * The caption file must be a regular file (checked before it is opened) within `maxFileBytes`.
 * Picture paths must stay in the caption file's folder: absolute paths and `..` segments are
 * refused unless `allowPathsOutsideFolder`; symbolic links inside the folder are followed (a data
 * set's pictures often live on another disk), and each picture is read with `readImage`'s checks
 * and limits.
 *
 * @throws FileNotFoundError (`tsvPath`); UnsafePathError (the caption file is not a regular file,
 *   or a line's path leaves the folder); SizeLimitError (`maxFileBytes`); InvalidFileError naming
 *   the file and the line that is not `path<TAB>caption`, or a file with no such line; the errors
 *   of `readImage` for each picture.
 *
 * @example
 * ```ts
 * const { images, captions, imageOfCaption } = await loadCaptionedImages('stamps/captions.tsv', { size: 32 });
 * const encoder = new CharCnnRnnEncoder({ dim: 128 });
 * const data = new CaptionedImageDataset({ images, embeddings: encodeInChunks(encoder, captions), imageOfCaption });
 * ```
 */
export async function loadCaptionedImages(
  tsvPath: string,
  options: LoadCaptionedImagesOptions,
): Promise<{ images: tf.Tensor4D; captions: string[]; imageOfCaption: Int32Array; paths: string[] }> {
  assertInteger(options?.size, 1, 4096, 'options.size');
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3) throw new InvalidArgumentError('options.channels', '1 or 3', channels);
  if (options.limit !== undefined) assertInteger(options.limit, 1, Number.MAX_SAFE_INTEGER, 'options.limit');
  if (typeof tsvPath !== 'string' || tsvPath.length === 0) {
    throw new InvalidArgumentError('tsvPath', 'a path<TAB>caption file path', tsvPath);
  }
  const maxFileBytes =
    options.maxFileBytes ?? limitFromEnvironment(maxCaptionFileBytesVariable) ?? defaultMaxCaptionFileBytes;
  const allowOutside =
    options.allowPathsOutsideFolder ??
    (typeof process !== 'undefined' && process.env[captionPathsOutsideFolderVariable] === '1');
  assertInteger(maxFileBytes, 1, Number.MAX_SAFE_INTEGER, 'options.maxFileBytes');
  const bytes = await readUserFile(tsvPath, {
    argument: 'tsvPath',
    expected: 'an existing path<TAB>caption file',
    what: 'caption file',
    maxBytes: maxFileBytes,
    limitOption: `the maxFileBytes option of loadCaptionedImages or the ${maxCaptionFileBytesVariable} environment variable`,
  });
  // Not fatal on bad UTF-8: captions written in another encoding still train, with U+FFFD marks.
  const text = new TextDecoder().decode(bytes);
  const folder = dirname(tsvPath);
  const paths: string[] = [];
  const indexOfPath = new Map<string, number>();
  const captions: string[] = [];
  const imageOfCaption: number[] = [];
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const tab = line.indexOf('\t');
    if (tab <= 0 || line.slice(tab + 1).trim() === '') {
      throw new InvalidFileError(
        tsvPath,
        `line ${lineIndex + 1} to be path<TAB>caption`,
        JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}...` : line),
      );
    }
    const relative = line.slice(0, tab);
    const outside = leavesFolder(relative);
    if (outside && !allowOutside) {
      throw new UnsafePathError(
        relative,
        `line ${lineIndex + 1} of ${tsvPath} ${outside}, outside the caption file's folder; if you trust this file, ` +
          `pass allowPathsOutsideFolder: true (CLI: ${captionPathsOutsideFolderVariable}=1)`,
      );
    }
    const path = isAbsolute(relative) ? relative : join(folder, relative);
    let index = indexOfPath.get(path);
    if (index === undefined) {
      if (options.limit !== undefined && paths.length >= options.limit) return;
      index = paths.length;
      indexOfPath.set(path, index);
      paths.push(path);
    }
    captions.push(line.slice(tab + 1).trim());
    imageOfCaption.push(index);
  });
  if (paths.length === 0) throw new InvalidFileError(tsvPath, 'at least one path<TAB>caption line', 'none');
  const pictures: tf.Tensor3D[] = [];
  try {
    for (const path of paths) {
      const pixels = await readImage(path, {
        channels,
        maxPixels: options.maxImagePixels,
        maxFileBytes: options.maxImageFileBytes,
        limitOptionNames: { maxPixels: 'options.maxImagePixels', maxFileBytes: 'options.maxImageFileBytes' },
      });
      pictures.push(tf.tidy(() => pixelsToSymmetric(squareResize(pixels, options.size)) as tf.Tensor3D));
      pixels.dispose();
    }
    return {
      images: tf.stack(pictures) as tf.Tensor4D,
      captions,
      imageOfCaption: Int32Array.from(imageOfCaption),
      paths,
    };
  } finally {
    tf.dispose(pictures);
  }
}

/** Why a picture path leaves its folder ('is an absolute path', "has a '..' segment"), or undefined. */
function leavesFolder(path: string): string | undefined {
  if (posix.isAbsolute(path) || win32.isAbsolute(path)) return 'is an absolute path';
  if (path.split(/[\\/]/).includes('..')) return "has a '..' segment";
  return undefined;
}

function squareResize(image: tf.Tensor3D, size: number): tf.Tensor3D {
  const [height, width] = image.shape;
  const side = Math.min(height, width);
  const square = image.slice([Math.floor((height - side) / 2), Math.floor((width - side) / 2), 0], [side, side, -1]);
  return side === size ? square : tf.image.resizeBilinear(square.toFloat(), [size, size], true);
}
