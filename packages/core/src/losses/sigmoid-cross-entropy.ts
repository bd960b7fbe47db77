import * as tf from '@tensorflow/tfjs';

/**
 * Mean binary cross-entropy of `logits` against a constant `target`, written with softplus so it
 * stays finite for large logits: -t log s(x) - (1-t) log(1-s(x)) = t softplus(-x) + (1-t) softplus(x).
 */
export function meanSigmoidCrossEntropy(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.tidy(() => {
    const positive = tf.softplus(tf.neg(logits)).mul(target);
    const negative = target === 1 ? tf.zerosLike(logits) : tf.softplus(logits).mul(1 - target);
    return positive.add(negative).mean() as tf.Scalar;
  });
}
