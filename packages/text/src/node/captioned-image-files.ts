import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';

import { assertInteger, describedAs, InvalidArgumentError } from '@ganforge/core';
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
}

/**
 * Loads pictures and captions listed in a `path<TAB>caption` file (paths relative to the file's
 * folder; blank lines and lines starting with '#' skipped; a picture may appear on several lines,
 * one per caption). Pictures are square, in [-1, 1].
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
  let text: string;
  try {
    text = await readFile(tsvPath, 'utf8');
  } catch {
    throw new InvalidArgumentError('tsvPath', 'a readable path<TAB>caption file', tsvPath);
  }
  const folder = dirname(tsvPath);
  const paths: string[] = [];
  const indexOfPath = new Map<string, number>();
  const captions: string[] = [];
  const imageOfCaption: number[] = [];
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const tab = line.indexOf('\t');
    if (tab <= 0 || line.slice(tab + 1).trim() === '') {
      throw new InvalidArgumentError(
        `${tsvPath} line ${lineIndex + 1}`,
        'path<TAB>caption',
        describedAs(JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}...` : line)),
      );
    }
    const relative = line.slice(0, tab);
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
  if (paths.length === 0)
    throw new InvalidArgumentError('tsvPath', 'a file with at least one path<TAB>caption line', tsvPath);
  const pictures: tf.Tensor3D[] = [];
  try {
    for (const path of paths) {
      const pixels = await readImage(path, { channels });
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

function squareResize(image: tf.Tensor3D, size: number): tf.Tensor3D {
  const [height, width] = image.shape;
  const side = Math.min(height, width);
  const square = image.slice([Math.floor((height - side) / 2), Math.floor((width - side) / 2), 0], [side, side, -1]);
  return side === size ? square : tf.image.resizeBilinear(square.toFloat(), [size, size], true);
}
