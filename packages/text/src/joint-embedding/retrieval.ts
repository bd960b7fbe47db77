import * as tf from '@tensorflow/tfjs';

import { assertRank, InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

export interface RetrievalScores {
  /** Fraction of captions whose best-scoring image has the caption's class. */
  readonly top1: number;
  /** Fraction of captions with an image of their class among the five best. */
  readonly top5: number;
  /** top-1 of a random ranking: the mean share of images that have the caption's class. */
  readonly chanceTop1: number;
}

/**
 * Caption-to-image retrieval: each caption ranks all images by compatibility theta(v) . phi(t); a hit
 * is an image of the caption's class among the first k (equal scores in the order tf.topk gives).
 *
 * @example
 * ```ts
 * const scores = captionToImageRetrieval(textEncoder.encode(captions), imageEmbeddings, captionClasses, imageClasses);
 * console.log(scores.top1, scores.top5);
 * ```
 */
export async function captionToImageRetrieval(
  textEmbeddings: tf.Tensor2D,
  imageEmbeddings: tf.Tensor2D,
  captionClasses: ArrayLike<number>,
  imageClasses: ArrayLike<number>,
): Promise<RetrievalScores> {
  assertRank(textEmbeddings, 2, 'textEmbeddings');
  assertRank(imageEmbeddings, 2, 'imageEmbeddings');
  if (textEmbeddings.shape[1] !== imageEmbeddings.shape[1]) {
    throw new ShapeMismatchError(
      'imageEmbeddings',
      `[*, ${textEmbeddings.shape[1]}] (the width of textEmbeddings)`,
      imageEmbeddings.shape,
    );
  }
  const [captions] = textEmbeddings.shape;
  const [images] = imageEmbeddings.shape;
  if (captionClasses?.length !== captions)
    throw new InvalidArgumentError('captionClasses', `${captions} entries`, captionClasses);
  if (imageClasses?.length !== images)
    throw new InvalidArgumentError('imageClasses', `${images} entries`, imageClasses);
  const k = Math.min(5, images);
  const scores = tf.matMul(textEmbeddings, imageEmbeddings, false, true);
  const { indices } = tf.topk(scores, k, true);
  const ranked = await indices.data();
  tf.dispose([scores, indices]);
  let top1 = 0;
  let top5 = 0;
  let chance = 0;
  const imageCount = new Map<number, number>();
  for (let i = 0; i < images; i++) imageCount.set(imageClasses[i]!, (imageCount.get(imageClasses[i]!) ?? 0) + 1);
  for (let caption = 0; caption < captions; caption++) {
    const wanted = captionClasses[caption]!;
    const row = ranked.subarray(caption * k, caption * k + k);
    if (imageClasses[row[0]!] === wanted) top1++;
    if (Array.from(row).some((image) => imageClasses[image] === wanted)) top5++;
    chance += (imageCount.get(wanted) ?? 0) / images;
  }
  return { top1: top1 / captions, top5: top5 / captions, chanceTop1: chance / captions };
}
