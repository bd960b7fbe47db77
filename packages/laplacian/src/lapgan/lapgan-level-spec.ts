import type * as tf from '@tensorflow/tfjs';

import type { AdversarialTrainerOptions } from '@ganforge/core';

/**
 * What the models of one LAPGAN level must accept and produce; passed to the level's builders.
 * Levels are numbered as in Denton et al. 2015: 0 is the finest (the full image), the last is the
 * coarsest.
 */
export interface LapGanLevelSpec {
  readonly level: number;
  /** Number of levels of the LAPGAN. */
  readonly levels: number;
  /** True for the coarsest level: an ordinary (optionally class-conditional) GAN on the smallest image. */
  readonly coarsest: boolean;
  /** Size of this level's images (and residuals). */
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Size of the noise vector z_k the generator receives (its first input, [batch, noiseDim]). */
  readonly noiseDim: number;
  /**
   * Finer levels: channels of the condition image [batch, height, width, conditionChannels] that G
   * and D receive as their second input: the upsampled coarser image (`channels`), then one constant
   * plane per class when the LAPGAN is class-conditional. 0 at the coarsest level.
   */
  readonly conditionChannels: number;
  /** Number of classes when the LAPGAN is class-conditional, else 0. The coarsest level then takes a one-hot [batch, classes] condition. */
  readonly classes: number;
  /** Seed for the weight initialisers of this level's models. */
  readonly seed: number;
}

/** Trainer options a level may set; the inputs, noise and models are the LAPGAN's to decide. */
export type LapGanTrainerOptions = Omit<
  AdversarialTrainerOptions,
  'generator' | 'discriminator' | 'noise' | 'generatorInputs' | 'discriminatorInputs' | 'seed'
>;

/**
 * One level of a LAPGAN: how to build its generator and discriminator, its noise size and its
 * trainer options.
 *
 * - Coarsest level: G(z[, class]) -> image; D(image[, class]) -> logit.
 * - Finer level k: G(z_k, l_k) -> residual h_k, where l_k = pyrUp(I_{k+1}) (plus class planes);
 *   D(h_k, l_k) -> logit. Inputs in that order.
 */
export interface LapGanLevelConfig {
  generator(spec: LapGanLevelSpec): tf.LayersModel;
  discriminator(spec: LapGanLevelSpec): tf.LayersModel;
  /**
   * Noise size. Default: 100 at the coarsest level (a vector, Denton et al. sec. 4), height x width
   * at finer levels (one noise plane beside the condition image, as the paper's CIFAR-10 models do).
   */
  readonly noiseDim?: number;
  /** Loss, optimizers, EMA, regularizers, ... for this level's {@link AdversarialTrainer}. */
  readonly trainer?: LapGanTrainerOptions;
}
