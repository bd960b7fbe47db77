import * as tf from '@tensorflow/tfjs';

import { assertInteger, deriveSeed, InvalidArgumentError } from '@ganforge/core';

import { pyrUp } from '../pyramid/pyr-up.js';
import type { LevelSize } from '../pyramid/pyramid-levels.js';
import { assertLabels, conditionImage, oneHotLabels } from './class-conditions.js';

export interface LapGanSampleOptions {
  /** Images to generate. */
  readonly count: number;
  /** Seed of every level's noise. Default 0. */
  readonly seed?: number;
  /** Class of each image (class-conditional LAPGANs): `count` integers. Default: 0, 1, 2, ... cycling. */
  readonly classes?: ArrayLike<number>;
  /** Clip every level's image to [-1, 1], the range of the training images. Default true. */
  readonly clip?: boolean;
  /** Use the generators' EMA weights where a level keeps them. Default true. */
  readonly ema?: boolean;
  /** Also return the image at every level (finest first), to show it growing. Default false. */
  readonly returnLevels?: boolean;
}

/** A sample with every level: `levels[k]` is the image at level k (0 = finest, last = coarsest). */
export interface LapGanSample {
  /** The finished images [count, height, width, channels]; the same values as `levels[0]`. */
  readonly images: tf.Tensor4D;
  readonly levels: tf.Tensor4D[];
}

/** Runs one level's generator in inference mode: noise drawn from `seed`, plus the condition. */
export type LevelGenerator = (
  level: number,
  count: number,
  seed: number,
  condition: tf.Tensor | undefined,
) => tf.Tensor;

/**
 * The LAPGAN sampling procedure (Denton et al. 2015, eq. 2): Ĩ_K = G_K(z_K[, class]), then for
 * k = K-1 ... 0: l_k = pyrUp(Ĩ_{k+1}), Ĩ_k = l_k + G_k(z_k, l_k). Shared by `LapGan` (its trainers)
 * and `LapGanSampler` (generators loaded from checkpoints) so both give the same images.
 */
export function sampleCoarseToFine(
  sizes: readonly LevelSize[],
  classes: number,
  generate: LevelGenerator,
  options: LapGanSampleOptions,
): LapGanSample {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', '{ count, seed?, classes? }', options);
  }
  assertInteger(options.count, 1, 1 << 16, 'options.count');
  const seed = options.seed ?? 0;
  assertInteger(seed, 0, 2 ** 31 - 1, 'options.seed');
  if (classes === 0 && options.classes !== undefined) {
    throw new InvalidArgumentError(
      'options.classes',
      'no classes: this LAPGAN is not class-conditional',
      options.classes,
    );
  }
  const labels =
    classes > 0 ? (options.classes ?? Array.from({ length: options.count }, (_, index) => index % classes)) : undefined;
  if (labels) assertLabels(labels, options.count, classes, 'options.classes');
  const clip = options.clip ?? true;
  const coarsest = sizes.length - 1;
  return tf.tidy(() => {
    const oneHot = labels ? oneHotLabels(labels, classes) : undefined;
    const finish = (image: tf.Tensor) => (clip ? tf.clipByValue(image, -1, 1) : image) as tf.Tensor4D;
    const levels: tf.Tensor4D[] = new Array(sizes.length);
    levels[coarsest] = finish(generate(coarsest, options.count, deriveSeed(seed, 'lapgan-sample', coarsest), oneHot));
    for (let level = coarsest - 1; level >= 0; level--) {
      const upsampled = pyrUp(levels[level + 1]!, sizes[level]!);
      const residual = generate(
        level,
        options.count,
        deriveSeed(seed, 'lapgan-sample', level),
        conditionImage(upsampled, oneHot),
      );
      levels[level] = finish(tf.add(upsampled, residual));
    }
    return { images: tf.clone(levels[0]!), levels };
  });
}
