import * as tf from '@tensorflow/tfjs';

import { assertInteger, InvalidArgumentError } from '@ganforge/core';

import { assertImageBatch } from '../pyramid/image-batch.js';
import { pyrDown } from '../pyramid/pyr-down.js';
import { pyrUp } from '../pyramid/pyr-up.js';
import { assertLevels } from '../pyramid/pyramid-levels.js';
import { assertLabels, type ClassLabels, conditionImage, oneHotLabels } from './class-conditions.js';

/** The training tensors of one LAPGAN level. */
export interface LapGanLevelData {
  /** What D sees as real: the band-pass residual h_k at finer levels, the coarsest image at the coarsest. */
  readonly real: tf.Tensor4D;
  /** The condition for G and D: l_k = pyrUp(I_{k+1}) (plus class planes), or the one-hot class at a class-conditional coarsest level. */
  readonly condition?: tf.Tensor;
}

export interface LapGanLevelDataOptions {
  /** Which level (0 = finest). */
  readonly level: number;
  /** Levels of the LAPGAN. */
  readonly levels: number;
  /** Class count for a class-conditional LAPGAN; `labels` is then required. */
  readonly classes?: number;
  readonly labels?: ClassLabels;
  /** Images per chunk while building the pyramids (bounds peak memory). Default 2048. */
  readonly chunkSize?: number;
}

/**
 * Real training data of one LAPGAN level from real images (Denton et al. 2015, sec. 3.1: every
 * level trains on the Laplacian pyramid of real images, independently of the others). With
 * I_0 = images and I_{k+1} = pyrDown(I_k): at a finer level k, real = h_k = I_k - l_k and
 * condition = l_k = pyrUp(I_{k+1}); at the coarsest level, real = I_{levels-1}. The caller owns the tensors.
 *
 * @example
 * ```ts
 * const { real, condition } = lapganLevelData(images, { level: 0, levels: 3 }); // [N, 28, 28, 1] each
 * ```
 */
export function lapganLevelData(images: tf.Tensor4D, options: LapGanLevelDataOptions): LapGanLevelData {
  assertImageBatch(images, 'images');
  const [count, height, width] = images.shape;
  assertLevels(options?.levels, height, width, 'options.levels');
  assertInteger(options.level, 0, options.levels - 1, 'options.level');
  const classes = options.classes ?? 0;
  if (classes > 0) assertLabels(options.labels, count, classes, 'options.labels');
  else if (options.labels !== undefined) {
    throw new InvalidArgumentError(
      'options.labels',
      'no labels for an unconditional LAPGAN (options.classes is not set)',
      options.labels,
    );
  }
  const chunkSize = options.chunkSize ?? 2048;
  assertInteger(chunkSize, 1, Number.MAX_SAFE_INTEGER, 'options.chunkSize');
  const coarsest = options.level === options.levels - 1;

  const reals: tf.Tensor4D[] = [];
  const conditions: tf.Tensor[] = [];
  let done = false;
  try {
    for (let start = 0; start < count; start += chunkSize) {
      const size = Math.min(chunkSize, count - start);
      const labels = classes > 0 ? Array.from(options.labels!).slice(start, start + size) : undefined;
      const [real, condition] = tf.tidy(() => {
        let image = images.slice(start, size) as tf.Tensor4D;
        for (let level = 0; level < options.level; level++) image = pyrDown(image);
        const oneHot = labels ? oneHotLabels(labels, classes) : undefined;
        if (coarsest) return [image, oneHot] as const;
        const upsampled = pyrUp(pyrDown(image), [image.shape[1], image.shape[2]]);
        return [tf.sub(image, upsampled) as tf.Tensor4D, conditionImage(upsampled, oneHot)] as const;
      });
      reals.push(real);
      if (condition) conditions.push(condition);
    }
    const real = reals.length === 1 ? reals[0]! : (tf.concat(reals) as tf.Tensor4D);
    const condition =
      conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0]! : tf.concat(conditions);
    done = true;
    return condition ? { real, condition } : { real };
  } finally {
    // Keep a single chunk (it is the result); free chunks that were concatenated, or all on an error.
    if (!done || reals.length > 1) tf.dispose(reals);
    if (!done || conditions.length > 1) tf.dispose(conditions);
  }
}
