import type * as tf from '@tensorflow/tfjs';

import {
  AdversarialTrainer,
  assertNumberInRange,
  type GeneratorTerm,
  InvalidArgumentError,
  nonSaturatingLoss,
} from '@ganforge/core';

import { pixelMseTerm, totalVariationTerm, vggContentTerm } from '../losses/content-terms.js';
import type { FeatureExtractor } from '../vgg/feature-extractor.js';

export interface SrganTrainerOptions {
  /** The generator, usually an SRResNet trained with {@link trainSrresnet} (SRGAN sec. 3.2). */
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  /** 'mse' (SRGAN-MSE) or a feature extractor for the VGG loss (SRGAN-VGG22 / VGG54). Default 'mse'. */
  readonly content?: 'mse' | FeatureExtractor;
  /** Weight of -log D(G(LR)). Default 1e-3 (SRGAN eq. 3). */
  readonly adversarialWeight?: number;
  /** Weight of an extra total-variation term; 0 (default) leaves it out. */
  readonly totalVariationWeight?: number;
  /** Adam's learning rate for both networks. Default 1e-4 (SRGAN sec. 3.2; 1e-5 for the second half). */
  readonly learningRate?: number;
  readonly seed?: number;
}

/**
 * An {@link AdversarialTrainer} set up as SRGAN (Ledig et al. 2016, eq. 3): the generator's input is
 * the low-resolution image (`batch.input`), its loss the content loss plus 1e-3 x the adversarial
 * loss -log D(G(LR)); the discriminator is trained with the standard cross-entropy. Adam with
 * beta1 = 0.9 (sec. 3.2).
 *
 * @example
 * ```ts
 * const trainer = srganTrainer({ generator, discriminator: srganDiscriminator({ size: 96 }) });
 * await trainer.fit(new SuperResolutionDataset({ images }), { batchSize: 16, steps: 1000 });
 * ```
 */
export function srganTrainer(options: SrganTrainerOptions): AdversarialTrainer {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', '{ generator, discriminator, content? }', options);
  }
  const content = options.content ?? 'mse';
  const terms: GeneratorTerm[] = [];
  if (content === 'mse') terms.push(pixelMseTerm());
  else if (typeof content === 'object' && content !== null && typeof content.extract === 'function') {
    terms.push(vggContentTerm(content));
  } else {
    throw new InvalidArgumentError('options.content', "'mse' or a FeatureExtractor (vgg19FeatureExtractor)", content);
  }
  const totalVariationWeight = options.totalVariationWeight ?? 0;
  assertNumberInRange(totalVariationWeight, 0, Number.MAX_VALUE, 'options.totalVariationWeight');
  if (totalVariationWeight > 0) terms.push(totalVariationTerm(totalVariationWeight));
  const learningRate = options.learningRate ?? 1e-4;
  const optimizer = { type: 'adam', learningRate, beta1: 0.9, beta2: 0.999 } as const;
  return new AdversarialTrainer({
    generator: options.generator,
    discriminator: options.discriminator,
    noise: false,
    generatorInputs: ['input'],
    loss: nonSaturatingLoss(),
    adversarialWeight: options.adversarialWeight ?? 1e-3,
    generatorTerms: terms,
    generatorOptimizer: optimizer,
    discriminatorOptimizer: optimizer,
    seed: options.seed ?? 0,
  });
}
