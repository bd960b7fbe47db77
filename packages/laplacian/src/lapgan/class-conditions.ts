import * as tf from '@tensorflow/tfjs';

import { assertInteger, InvalidArgumentError } from '@ganforge/core';

/** Class labels as the LAPGAN accepts them: integers in [0, classes). */
export type ClassLabels = ArrayLike<number>;

/** Throws unless `labels` holds `count` integers in [0, classes). */
export function assertLabels(
  labels: unknown,
  count: number,
  classes: number,
  argument: string,
): asserts labels is ClassLabels {
  const isList = Array.isArray(labels) || (ArrayBuffer.isView(labels) && 'length' in labels);
  if (!isList) throw new InvalidArgumentError(argument, `${count} class labels (an array or Int32Array)`, labels);
  const list = labels as ArrayLike<number>;
  if (list.length !== count) {
    throw new InvalidArgumentError(
      argument,
      `${count} labels, one per image`,
      list.length,
      'Pass one label per image.',
    );
  }
  for (let index = 0; index < list.length; index++) {
    assertInteger(list[index], 0, classes - 1, `${argument}[${index}]`);
  }
}

/** One-hot rows [count, classes] (float32) for integer labels. */
export function oneHotLabels(labels: ClassLabels, classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), classes).toFloat() as tf.Tensor2D);
}

/**
 * The condition image of a finer level: the upsampled coarser image, then, for a class-conditional
 * LAPGAN, one constant plane per class (the one-hot label broadcast over the image), concatenated
 * as channels (Denton et al. 2015, sec. 3: conditioning by concatenation).
 */
export function conditionImage(upsampled: tf.Tensor4D, oneHot: tf.Tensor2D | undefined): tf.Tensor4D {
  if (!oneHot) return upsampled;
  return tf.tidy(() => {
    const [batch, height, width] = upsampled.shape;
    const planes = tf.mul(oneHot.reshape([batch, 1, 1, oneHot.shape[1]]), tf.ones([1, height, width, 1]));
    return tf.concat([upsampled, planes], 3) as tf.Tensor4D;
  });
}
