import {
  AdversarialTrainer,
  type AdversarialTrainerOptions,
  InvalidArgumentError,
  type OptimizerConfig,
} from '@ganforge/core';

import { interpolationTerm, type InterpolationTermOptions } from './interpolation-term.js';
import { type TextToImageModelOptions, type TextToImageModels, textToImageModels } from './text-to-image-models.js';

/** The four configurations of Reed et al. 2016 (sec. 5): the two switches, off and on. */
export type TextToImageVariant = 'gan' | 'gan-cls' | 'gan-int' | 'gan-int-cls';
export const textToImageVariants: readonly TextToImageVariant[] = ['gan', 'gan-cls', 'gan-int', 'gan-int-cls'];

export interface TextToImageSwitches {
  /** GAN-CLS: the matching-aware discriminator, which also learns to reject real images with wrong captions. */
  readonly matchingAware: boolean;
  /** GAN-INT: also train G on interpolated caption embeddings (true, or the term's options). */
  readonly interpolation: boolean | InterpolationTermOptions;
}

/** The switches of a named configuration. */
export function variantSwitches(variant: TextToImageVariant): TextToImageSwitches {
  if (!textToImageVariants.includes(variant)) {
    throw new InvalidArgumentError('variant', textToImageVariants.map((name) => `'${name}'`).join(', '), variant);
  }
  return { matchingAware: variant.endsWith('cls'), interpolation: variant.startsWith('gan-int') };
}

// Reed et al. 2016, sec. 5: Adam, learning rate 0.0002, momentum 0.5.
const reedAdam: OptimizerConfig = { type: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 };

/**
 * The trainer options for one configuration of the text-to-image GAN on the core trainer: G takes
 * [noise, embedding], D takes [image, embedding]; GAN-CLS is the trainer's 'matching-aware'
 * objective and GAN-INT an extra generator term. Spread the result and override anything.
 *
 * @example
 * ```ts
 * const models = textToImageModels({ size: 32, embeddingDim: encoder.dim, filters: 32 });
 * const trainer = new AdversarialTrainer(textToImageTrainerOptions(models, variantSwitches('gan-int-cls'), { seed: 1 }));
 * ```
 */
export function textToImageTrainerOptions(
  models: TextToImageModels,
  switches: TextToImageSwitches,
  options: { latentDim?: number; seed?: number; learningRate?: number } = {},
): AdversarialTrainerOptions {
  const latentDim = options.latentDim ?? (models.generator.inputs[0]?.shape[1] as number | undefined);
  if (typeof latentDim !== 'number') {
    throw new InvalidArgumentError(
      'models.generator',
      'a generator whose first input is noise [null, latentDim]',
      models.generator,
    );
  }
  const optimizer = options.learningRate === undefined ? reedAdam : { ...reedAdam, learningRate: options.learningRate };
  const interpolation = switches.interpolation;
  return {
    generator: models.generator,
    discriminator: models.discriminator,
    noise: { dim: latentDim },
    generatorInputs: ['noise', 'condition'],
    discriminatorInputs: ['image', 'condition'],
    discriminatorObjective: switches.matchingAware ? 'matching-aware' : 'standard',
    generatorTerms: interpolation ? [interpolationTerm(interpolation === true ? {} : interpolation)] : [],
    generatorOptimizer: optimizer,
    discriminatorOptimizer: optimizer,
    seed: options.seed ?? 0,
  };
}

/**
 * Builds the models and the trainer of one configuration in one call.
 *
 * @example
 * ```ts
 * const trainer = createTextToImageTrainer('gan-int-cls', { size: 32, embeddingDim: encoder.dim, filters: 32 });
 * await trainer.fit(dataset, { batchSize: 64, steps: 1000 });
 * ```
 */
export function createTextToImageTrainer(
  variant: TextToImageVariant,
  modelOptions: TextToImageModelOptions,
  options: { seed?: number; learningRate?: number; ema?: { decay: number } } = {},
): AdversarialTrainer {
  const models = textToImageModels({ ...modelOptions, seed: modelOptions.seed ?? options.seed });
  return new AdversarialTrainer({
    ...textToImageTrainerOptions(models, variantSwitches(variant), {
      latentDim: modelOptions.latentDim ?? 100,
      seed: options.seed,
      learningRate: options.learningRate,
    }),
    ema: options.ema,
  });
}
