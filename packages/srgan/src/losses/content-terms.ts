import type * as tf from '@tensorflow/tfjs';

import { assertNumberInRange, type GeneratorTerm } from '@ganforge/core';

import type { FeatureExtractor } from '../vgg/feature-extractor.js';
import { pixelMseLoss, totalVariationLoss } from './pixel-losses.js';
import { vggContentLoss, type VggContentLossOptions } from './vgg-content-loss.js';

/**
 * SRGAN's MSE content loss (sec. 2.2.1, eq. 4) as a generator term of the `AdversarialTrainer`:
 * MSE between G(LR) and `batch.real`. With `adversarialWeight: 1e-3` this is the paper's SRGAN-MSE.
 *
 * @example
 * ```ts
 * new AdversarialTrainer({ generator, discriminator, noise: false, adversarialWeight: 1e-3, generatorTerms: [pixelMseTerm()] });
 * ```
 */
export function pixelMseTerm(weight = 1): GeneratorTerm {
  assertNumberInRange(weight, 0, Number.MAX_VALUE, 'weight');
  return { name: 'content_mse', weight, compute: ({ fake, batch }) => pixelMseLoss(fake, batch.real) };
}

/**
 * SRGAN's VGG content loss (sec. 2.2.1, eq. 5) as a generator term: the squared distance between
 * feature maps of G(LR) and of `batch.real`, features rescaled by 1/12.75. With
 * `adversarialWeight: 1e-3` and VGG54 features this is the paper's SRGAN-VGG54.
 *
 * @example
 * ```ts
 * const vgg = await vgg19FeatureExtractor({ weights: 'https://example.com/vgg19/model.json', layer: 'vgg54' });
 * new AdversarialTrainer({ ..., adversarialWeight: 1e-3, generatorTerms: [vggContentTerm(vgg)] });
 * ```
 */
export function vggContentTerm(
  extractor: FeatureExtractor,
  options: VggContentLossOptions & { readonly weight?: number } = {},
): GeneratorTerm {
  const weight = options.weight ?? 1;
  assertNumberInRange(weight, 0, Number.MAX_VALUE, 'options.weight');
  const loss = vggContentLoss(extractor, options);
  return {
    name: `content_${extractor.layer}`,
    weight,
    compute: ({ fake, batch }) => loss(fake, batch.real),
  };
}

/**
 * The total-variation regulariser as a generator term (SRGAN sec. 2.2.2 mentions it; the paper's
 * experiments leave it out, 2e-8 is a typical weight for images in [0, 255]).
 */
export function totalVariationTerm(weight: number): GeneratorTerm {
  assertNumberInRange(weight, 0, Number.MAX_VALUE, 'weight');
  return { name: 'total_variation', weight, compute: ({ fake }) => totalVariationLoss(fake as tf.Tensor4D) };
}
