import * as tf from '@tensorflow/tfjs';

import { assertNumberInRange, InvalidArgumentError } from '@ganforge/core';

import type { FeatureExtractor } from '../vgg/feature-extractor.js';
import { assertSameShape } from './pixel-losses.js';

export interface VggContentLossOptions {
  /**
   * Factor applied to the feature maps before the squared distance. Default 1/12.75 (SRGAN
   * sec. 3.2: VGG losses of a scale comparable to the MSE loss, i.e. the loss times ~0.006).
   */
  readonly featureScale?: number;
}

/**
 * SRGAN's VGG loss (Ledig et al. 2016, eq. 5): the mean squared difference between the feature
 * maps phi(G(LR)) and phi(HR) of a frozen network, each rescaled by `featureScale`. Returns a loss
 * function of (generated, target) images in [-1, 1].
 *
 * @example
 * ```ts
 * const vgg22 = await vgg19FeatureExtractor({ weights: 'file:///models/vgg19/model.json', layer: 'vgg22' });
 * const loss = vggContentLoss(vgg22)(generated, highResolution);
 * ```
 */
export function vggContentLoss(
  extractor: FeatureExtractor,
  options: VggContentLossOptions = {},
): (generated: tf.Tensor, target: tf.Tensor) => tf.Scalar {
  if (typeof extractor?.extract !== 'function') {
    throw new InvalidArgumentError(
      'extractor',
      'a FeatureExtractor (from vgg19FeatureExtractor or layerFeatureExtractor)',
      extractor,
    );
  }
  const featureScale = options.featureScale ?? 1 / 12.75;
  assertNumberInRange(featureScale, Number.MIN_VALUE, Number.MAX_VALUE, 'options.featureScale');
  return (generated, target) => {
    assertSameShape(generated, target, 'generated', 'target');
    return tf.tidy(() => {
      const generatedFeatures = extractor.extract(generated as tf.Tensor4D).mul(featureScale);
      // The target does not depend on the generator's weights, so no gradient flows through this branch.
      const targetFeatures = extractor.extract(target as tf.Tensor4D).mul(featureScale);
      return tf.squaredDifference(generatedFeatures, targetFeatures).mean() as tf.Scalar;
    });
  };
}
