import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '@ganforge/core';

import { assertImageBatch } from '../pyramid/image-batch.js';

/**
 * Arranges every level of a sample for one grid: one row per image, coarsest level on the left,
 * each level scaled to full size with nearest-neighbour so its real pixels show. Returns
 * [count * levels, height, width, channels]; tile it with `columns: levels.length`.
 *
 * @example
 * ```ts
 * const { images, levels } = lapgan.sample({ count: 8, seed: 1, returnLevels: true });
 * await saveImageGrid(levelProgression(levels), 'levels.png', { columns: levels.length }); // @ganforge/data/node
 * ```
 */
export function levelProgression(levels: readonly tf.Tensor4D[]): tf.Tensor4D {
  if (!Array.isArray(levels) || levels.length === 0) {
    throw new InvalidArgumentError('levels', 'the levels of a sample, finest first', levels);
  }
  levels.forEach((level, index) => assertImageBatch(level, `levels[${index}]`));
  const [count, height, width, channels] = levels[0]!.shape;
  return tf.tidy(() => {
    const scaled = [...levels]
      .reverse()
      .map((level) =>
        level.shape[1] === height && level.shape[2] === width
          ? level
          : tf.image.resizeNearestNeighbor(level, [height, width]),
      );
    // [levels, count, h, w, c] -> [count, levels, h, w, c]: row-major tiling puts one image per row.
    return tf.stack(scaled, 1).reshape([count * levels.length, height, width, channels]) as tf.Tensor4D;
  });
}
