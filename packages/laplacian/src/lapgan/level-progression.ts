import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '@ganforge/core';

import { assertImageBatch } from '../pyramid/image-batch.js';

/**
 * Arranges every level of a sample for one grid, each level scaled to full size with
 * nearest-neighbour so its real pixels show. Returns [count * levels, height, width, channels] in
 * row-major grid order. `'image-per-row'` (default): one row per image, coarsest level on the left;
 * tile with `columns: levels.length`. `'level-per-row'`: one row per level, coarsest on top; tile
 * with `columns: count`.
 *
 * @example
 * ```ts
 * const { images, levels } = lapgan.sample({ count: 8, seed: 1, returnLevels: true });
 * await saveImageGrid(levelProgression(levels), 'levels.png', { columns: levels.length }); // @ganforge/data/node
 * ```
 */
export function levelProgression(
  levels: readonly tf.Tensor4D[],
  options: { arrangement?: 'image-per-row' | 'level-per-row' } = {},
): tf.Tensor4D {
  const arrangement = options.arrangement ?? 'image-per-row';
  if (arrangement !== 'image-per-row' && arrangement !== 'level-per-row') {
    throw new InvalidArgumentError('options.arrangement', "'image-per-row' or 'level-per-row'", arrangement);
  }
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
    // Stacked on axis 1: [count, levels, h, w, c], one image per grid row; on axis 0: one level per row.
    const axis = arrangement === 'image-per-row' ? 1 : 0;
    return tf.stack(scaled, axis).reshape([count * levels.length, height, width, channels]) as tf.Tensor4D;
  });
}
