import * as tf from '@tensorflow/tfjs';

import {
  assertInteger,
  assertRank,
  type BatchOptions,
  type Dataset,
  InvalidArgumentError,
  seededRandom,
  ShapeMismatchError,
  type TrainingBatch,
} from '@ganforge/core';

import { bicubicResize } from '../resize/bicubic-resize.js';

export interface SuperResolutionDatasetOptions {
  /** High-resolution images as pixels 0-255, [height, width, 3] each, any sizes of at least `cropSize`. */
  readonly images: readonly tf.Tensor3D[];
  /** Side of the high-resolution crops. Default 96 (SRGAN sec. 3.2). */
  readonly cropSize?: number;
  /** Downscaling factor between `real` and `input`. Default 4. */
  readonly scale?: number;
  /** Crops per pass (epoch). Default 16 per image. */
  readonly cropsPerEpoch?: number;
  /** Random flips and 90-degree rotations of each crop. Default true. */
  readonly augment?: boolean;
}

/**
 * Super-resolution training pairs from a few large photos: each example is a random crop of one
 * image (chosen in proportion to its area), randomly flipped and rotated by multiples of 90 degrees,
 * with its low-resolution twin made by MATLAB-style bicubic downscaling and rounded to 8-bit
 * levels, as the test inputs are (SRGAN sec. 3.2). Batches are `{ real: HR, input: LR }`, both in
 * [-1, 1], for `AdversarialTrainer` with `generatorInputs: ['input']`. Seeded: the same pass seed
 * gives the same crops.
 *
 * @example
 * ```ts
 * const data = new SuperResolutionDataset({ images: photos, cropSize: 96, scale: 4 });
 * for await (const { real, input } of data.batches(16, { seed: 1 })) { ...; tf.dispose([real, input!]); }
 * ```
 */
export class SuperResolutionDataset implements Dataset<TrainingBatch> {
  readonly size: number;
  readonly cropSize: number;
  readonly scale: number;
  readonly #images: tf.Tensor3D[];
  readonly #cumulativeAreas: number[];
  readonly #augment: boolean;

  constructor(options: SuperResolutionDatasetOptions) {
    if (typeof options !== 'object' || options === null || !Array.isArray(options.images)) {
      throw new InvalidArgumentError('options.images', 'an array of [height, width, 3] pixel tensors', options?.images);
    }
    if (options.images.length === 0) {
      throw new InvalidArgumentError('options.images', 'at least one image', options.images);
    }
    this.cropSize = options.cropSize ?? 96;
    this.scale = options.scale ?? 4;
    assertInteger(this.scale, 1, 16, 'options.scale');
    assertInteger(this.cropSize, this.scale, 4096, 'options.cropSize');
    if (this.cropSize % this.scale !== 0) {
      throw new InvalidArgumentError('options.cropSize', `a multiple of scale (${this.scale})`, this.cropSize);
    }
    this.size = options.cropsPerEpoch ?? 16 * options.images.length;
    assertInteger(this.size, 1, Number.MAX_SAFE_INTEGER, 'options.cropsPerEpoch');
    this.#augment = options.augment ?? true;
    let total = 0;
    this.#cumulativeAreas = options.images.map((image, index) => {
      assertRank(image, 3, `options.images[${index}]`);
      const [height, width, channels] = image.shape;
      if (height < this.cropSize || width < this.cropSize || channels !== 3) {
        throw new ShapeMismatchError(
          `options.images[${index}]`,
          `[>= ${this.cropSize}, >= ${this.cropSize}, 3] (at least one crop, RGB)`,
          image.shape,
        );
      }
      total += height * width;
      return total;
    });
    this.#images = options.images.map((image) => tf.tidy(() => image.toFloat()));
  }

  async *batches(batchSize: number, options: BatchOptions): AsyncGenerator<TrainingBatch> {
    assertInteger(batchSize, 1, this.size, 'batchSize');
    if (typeof options?.seed !== 'number') throw new InvalidArgumentError('options.seed', 'a number', options?.seed);
    const random = seededRandom(options.seed, 'super-resolution-crops');
    const total = this.#cumulativeAreas.at(-1)!;
    for (let start = 0; start + batchSize <= this.size; start += batchSize) {
      if (options.signal?.aborted) return;
      const picks = Array.from({ length: batchSize }, () => {
        const area = random() * total;
        const index = this.#cumulativeAreas.findIndex((cumulative) => area < cumulative);
        const [height, width] = this.#images[index]!.shape;
        return {
          index,
          top: Math.floor(random() * (height - this.cropSize + 1)),
          left: Math.floor(random() * (width - this.cropSize + 1)),
          transform: this.#augment ? Math.floor(random() * 8) : 0,
        };
      });
      yield tf.tidy(() => {
        const crops = tf.stack(
          picks.map(({ index, top, left, transform }) =>
            dihedral(this.#images[index]!.slice([top, left, 0], [this.cropSize, this.cropSize, 3]), transform),
          ),
        ) as tf.Tensor4D;
        const lowResolution = bicubicResize(crops, { scale: 1 / this.scale })
          .round()
          .clipByValue(0, 255);
        return { real: crops.div(127.5).sub(1), input: lowResolution.div(127.5).sub(1) };
      });
    }
  }

  /** Frees the dataset's copies of the images. */
  dispose(): void {
    tf.dispose(this.#images);
  }
}

/** One of the 8 symmetries of the square: `transform` % 4 quarter turns, mirrored when >= 4. */
export function dihedral(image: tf.Tensor3D, transform: number): tf.Tensor3D {
  return tf.tidy(() => {
    let result: tf.Tensor3D = transform >= 4 ? image.reverse(1) : image;
    for (let turn = 0; turn < transform % 4; turn++) result = result.transpose([1, 0, 2]).reverse(0) as tf.Tensor3D;
    return result as tf.Tensor3D;
  }) as tf.Tensor3D;
}
