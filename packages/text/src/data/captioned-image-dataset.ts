import * as tf from '@tensorflow/tfjs';

import {
  assertInteger,
  assertIsTensor,
  type BatchOptions,
  type Dataset,
  describedAs,
  InvalidArgumentError,
  seededRandom,
  ShapeMismatchError,
  shuffledIndices,
  type TrainingBatch,
} from '@ganforge/core';

export interface CaptionedImageDatasetOptions {
  /** Pictures [N, H, W, C] in [-1, 1]. */
  readonly images: tf.Tensor4D;
  /** One embedding per caption [M, dim] (e.g. `encoder.encode(captions)`). */
  readonly embeddings: tf.Tensor2D;
  /** The picture each caption describes (M entries in [0, N)). Default: caption i describes picture i. */
  readonly imageOfCaption?: ArrayLike<number>;
  /**
   * A class per picture: a wrong caption is always drawn from a picture of another class. Default:
   * every picture its own class.
   */
  readonly classes?: ArrayLike<number>;
}

/**
 * Pictures with caption embeddings for the text-to-image GAN. Each pass shuffles the pictures and
 * gives each one of its captions at random (`condition`), and a caption of a picture of another class
 * (`mismatchedCondition`: GAN-CLS's wrong text, GAN-INT's second caption). The last short batch of a
 * pass is dropped.
 *
 * @example
 * ```ts
 * const data = new CaptionedImageDataset({ images, embeddings: encoder.encode(captions), imageOfCaption, classes });
 * await trainer.fit(data, { batchSize: 64, steps: 1000 });
 * ```
 */
export class CaptionedImageDataset implements Dataset<TrainingBatch> {
  readonly size: number;
  readonly #images: tf.Tensor4D;
  readonly #embeddings: tf.Tensor2D;
  readonly #captionsOfImage: number[][];
  readonly #classes: Int32Array;

  constructor(options: CaptionedImageDatasetOptions) {
    assertIsTensor(options?.images, 'options.images');
    assertIsTensor(options.embeddings, 'options.embeddings');
    if (options.images.rank !== 4) {
      throw new ShapeMismatchError('options.images', '[N, height, width, channels]', options.images.shape);
    }
    if (options.embeddings.rank !== 2)
      throw new ShapeMismatchError('options.embeddings', '[M, dim]', options.embeddings.shape);
    this.size = options.images.shape[0];
    const captionCount = options.embeddings.shape[0];
    const imageOfCaption = options.imageOfCaption ?? Int32Array.from({ length: captionCount }, (_, i) => i);
    if (imageOfCaption.length !== captionCount) {
      throw new InvalidArgumentError(
        'options.imageOfCaption',
        `${captionCount} entries (one per row of options.embeddings)`,
        describedAs(`${imageOfCaption.length} entries`),
      );
    }
    this.#captionsOfImage = Array.from({ length: this.size }, () => []);
    for (let caption = 0; caption < captionCount; caption++) {
      const image = imageOfCaption[caption]!;
      assertInteger(image, 0, this.size - 1, `options.imageOfCaption[${caption}]`);
      this.#captionsOfImage[image]!.push(caption);
    }
    const missing = this.#captionsOfImage.findIndex((captions) => captions.length === 0);
    if (missing >= 0) {
      throw new InvalidArgumentError(
        'options.imageOfCaption',
        'at least one caption for every picture',
        describedAs(`no caption for picture ${missing}`),
        'Drop pictures without captions first.',
      );
    }
    this.#classes = Int32Array.from(options.classes ?? Array.from({ length: this.size }, (_, i) => i));
    if (this.#classes.length !== this.size) {
      throw new InvalidArgumentError(
        'options.classes',
        `${this.size} entries (one per picture)`,
        describedAs(`${this.#classes.length} entries`),
      );
    }
    if (new Set(this.#classes).size < 2) {
      throw new InvalidArgumentError(
        'options.classes',
        'at least two distinct classes (wrong captions come from another class)',
        describedAs('one class'),
      );
    }
    this.#images = tf.clone(options.images);
    this.#embeddings = tf.clone(options.embeddings);
  }

  async *batches(batchSize: number, options: BatchOptions): AsyncGenerator<TrainingBatch> {
    assertInteger(batchSize, 1, this.size, 'batchSize');
    if (typeof options?.seed !== 'number') throw new InvalidArgumentError('options.seed', 'a number', options?.seed);
    const order = shuffledIndices(this.size, options.seed);
    const random = seededRandom(options.seed, 'captions');
    for (let start = 0; start + batchSize <= this.size; start += batchSize) {
      if (options.signal?.aborted) return;
      const images = order.subarray(start, start + batchSize);
      const right = new Int32Array(batchSize);
      const wrong = new Int32Array(batchSize);
      images.forEach((image, row) => {
        right[row] = this.#pickCaption(image, random);
        let other = image;
        // Rejection sampling: at least two classes exist, so this ends; most classes are small.
        while (this.#classes[other] === this.#classes[image]) other = Math.floor(random() * this.size);
        wrong[row] = this.#pickCaption(other, random);
      });
      yield tf.tidy(() => ({
        real: tf.gather(this.#images, tf.tensor1d(images, 'int32')),
        condition: tf.gather(this.#embeddings, tf.tensor1d(right, 'int32')),
        mismatchedCondition: tf.gather(this.#embeddings, tf.tensor1d(wrong, 'int32')),
      }));
    }
  }

  #pickCaption(image: number, random: () => number): number {
    const captions = this.#captionsOfImage[image]!;
    return captions[Math.floor(random() * captions.length)]!;
  }

  dispose(): void {
    tf.dispose([this.#images, this.#embeddings]);
  }
}
