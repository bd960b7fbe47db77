import * as tf from '@tensorflow/tfjs';

import { assertRank, InvalidArgumentError, ShapeMismatchError } from '@ganforge/core';

export interface DsSjeLossOptions {
  /**
   * How the margin violations of the competing classes are combined per pair.
   * - 'sum' (default): added up, every violating class contributes a gradient.
   * - 'max': the most violating class only, the structured hinge of Reed et al. 2016 (CVPR, eq. 3-4).
   *   From a cold start on our captioned-shapes runs, 'max' stalled at the collapsed solution (loss 1,
   *   retrieval at chance after 200 steps) where 'sum' learned (see the package README).
   */
  readonly aggregate?: 'max' | 'sum';
}

/**
 * The deep structured joint embedding loss (DS-SJE, Reed et al. 2016, "Learning Deep Representations
 * of Fine-Grained Visual Descriptions", eq. 3-6) over one batch of matching (image, caption) pairs.
 * Compatibility is F(v, t) = theta(v) . phi(t); a class's score is the mean compatibility with the
 * batch's members of that class. For each image, every class of the batch competes with the image's
 * own class under the 0-1 margin Delta(y, y') = [y != y'] (image to text); likewise for each caption
 * over the images' classes (text to image). Each term averages over the batch; the loss is the mean
 * of the two terms.
 *
 * @param imageEmbeddings theta(v) [B, dim]
 * @param textEmbeddings phi(t) [B, dim], row i describes image i
 * @param classes class of pair i (pairs with equal class may describe each other)
 */
export function dsSjeLoss(
  imageEmbeddings: tf.Tensor2D,
  textEmbeddings: tf.Tensor2D,
  classes: ArrayLike<number>,
  options: DsSjeLossOptions = {},
): tf.Scalar {
  assertRank(imageEmbeddings, 2, 'imageEmbeddings');
  assertRank(textEmbeddings, 2, 'textEmbeddings');
  if (!tf.util.arraysEqual(imageEmbeddings.shape, textEmbeddings.shape)) {
    throw new ShapeMismatchError(
      'textEmbeddings',
      `[${imageEmbeddings.shape.join(', ')}] (the shape of imageEmbeddings)`,
      textEmbeddings.shape,
    );
  }
  const batch = imageEmbeddings.shape[0];
  if (classes?.length !== batch) {
    throw new InvalidArgumentError('classes', `${batch} class ids (one per pair)`, classes);
  }
  const aggregate = options.aggregate ?? 'sum';
  if (aggregate !== 'max' && aggregate !== 'sum')
    throw new InvalidArgumentError('options.aggregate', "'max' or 'sum'", aggregate);
  const distinct = [...new Set(Array.from(classes))];
  const column = new Map(distinct.map((label, index) => [label, index]));
  // membership[i, k] = 1 when pair i belongs to the batch's k-th class.
  const membership = new Float32Array(batch * distinct.length);
  Array.from(classes).forEach((label, row) => (membership[row * distinct.length + column.get(label)!] = 1));
  return tf.tidy(() => {
    const member = tf.tensor2d(membership, [batch, distinct.length]);
    const perClassMean = member.div(member.sum(0, true));
    // compatibility[i, j] = theta(v_i) . phi(t_j)
    const compatibility = tf.matMul(imageEmbeddings, textEmbeddings, false, true);
    const margin = tf.sub(1, member); // Delta(y_i, k)
    const hinge = (scores: tf.Tensor2D): tf.Scalar => {
      const own = scores.mul(member).sum(1, true); // score of the pair's own class
      const violations = margin.add(scores).sub(own);
      const perPair = aggregate === 'max' ? violations.max(1) : violations.relu().sum(1);
      return perPair.mean() as tf.Scalar;
    };
    const imageToText = hinge(tf.matMul(compatibility, perClassMean)); // image i vs each class's captions
    const textToImage = hinge(tf.matMul(compatibility, perClassMean, true)); // caption j vs each class's images
    return tf.mul(0.5, tf.add(imageToText, textToImage));
  });
}
