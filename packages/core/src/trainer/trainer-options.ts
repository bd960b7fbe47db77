import type * as tf from '@tensorflow/tfjs';

import type { CheckpointStore } from '../checkpoint/checkpoint.js';
import type { TrainingBatch } from '../dataset.js';
import type { AdversarialLoss } from '../losses/adversarial-loss.js';
import type { DiscriminatorRegularizer } from '../regularizers/discriminator-regularizer.js';
import type { OptimizerConfig } from './optimizer-config.js';
import type { StepUpdates } from './training-controls.js';
import type { CheckpointEvent, SampleEvent, StepEvent } from './training-events.js';

/** What feeds each generator input, in the order of `generator.inputs`. */
export type GeneratorInputKind = 'noise' | 'condition' | 'input';
/** What feeds each discriminator input, in the order of `discriminator.inputs`. */
export type DiscriminatorInputKind = 'image' | 'condition';

/**
 * How the discriminator is trained.
 * - `'standard'`: real vs generated.
 * - `'matching-aware'`: GAN-CLS (Reed et al. 2016, alg. 1): also scores real images with
 *   mismatched conditions as fake; D's loss is 1/2 (L(real, wrong) + L(real, fake)), i.e. the real
 *   term plus the mean of the wrong-condition and generated terms.
 */
export type DiscriminatorObjective = 'standard' | 'matching-aware';

/** Generator inputs for one batch; keys follow {@link GeneratorInputKind}. */
export interface GeneratorInputs {
  readonly noise?: tf.Tensor;
  readonly condition?: tf.Tensor;
  readonly input?: tf.Tensor;
}

/** What an extra generator term sees during a generator step. */
export interface GeneratorTermContext {
  /** The generator's output for this batch (gradients flow back into the generator). */
  readonly fake: tf.Tensor;
  readonly batch: TrainingBatch;
  /** The noise that produced `fake`, when the generator takes noise. */
  readonly noise?: tf.Tensor;
  /** Runs the generator (training mode) on other inputs, e.g. GAN-INT's interpolated conditions. */
  generate(inputs: GeneratorInputs): tf.Tensor;
  /** Runs the discriminator (training mode) on images and an optional condition: logits. */
  discriminate(images: tf.Tensor, condition?: tf.Tensor): tf.Tensor;
  /** The trainer's loss, for terms that add adversarial pressure of their own. */
  readonly loss: AdversarialLoss;
  /** A seed for randomness in this term, derived from the trainer's seed and step. */
  readonly seed: number;
}

/** A weighted term added to the generator's loss (SRGAN's content loss, an L1 term, ...). */
export interface GeneratorTerm {
  readonly name: string;
  readonly weight: number;
  compute(context: GeneratorTermContext): tf.Scalar;
}

export interface NoiseOptions {
  /** Size of the noise vector z. */
  readonly dim: number;
  /** Default 'normal' (N(0, 1)); 'uniform' draws from U[-1, 1] as in the DCGAN paper. */
  readonly distribution?: 'normal' | 'uniform';
}

export interface AdversarialTrainerOptions {
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  /** Default {@link nonSaturatingLoss}. */
  readonly loss?: AdversarialLoss;
  /** Default DCGAN's Adam (2e-4, beta1 0.5). */
  readonly generatorOptimizer?: OptimizerConfig;
  readonly discriminatorOptimizer?: OptimizerConfig;
  /** Noise fed to the generator; `false` when the generator takes no noise (SRGAN). */
  readonly noise: NoiseOptions | false;
  /** Default: `['noise']` (or `['input']` without noise), plus `'condition'` when G has a second input. */
  readonly generatorInputs?: readonly GeneratorInputKind[];
  /** Default: `['image']`, plus `'condition'` when D has a second input. */
  readonly discriminatorInputs?: readonly DiscriminatorInputKind[];
  /** Default 'standard'. */
  readonly discriminatorObjective?: DiscriminatorObjective;
  /** Weight of the adversarial term in G's loss. Default 1 (SRGAN uses 1e-3). */
  readonly adversarialWeight?: number;
  readonly generatorTerms?: readonly GeneratorTerm[];
  readonly regularizers?: readonly DiscriminatorRegularizer[];
  /** Discriminator updates per generator update, each on its own batch. Default 1. */
  readonly discriminatorStepsPerGeneratorStep?: number;
  /**
   * Keep an exponential moving average of G's weights (Karras et al. 2018), e.g. `{ decay: 0.999 }`.
   * `warmup` (default true) ramps the decay up as (1 + t) / (10 + t) over the first steps.
   */
  readonly ema?: { readonly decay: number; readonly warmup?: boolean };
  /** Seed of all randomness: noise, shuffles, penalties. Default 0. */
  readonly seed?: number;
}

export interface SampleOptions {
  /** Emit a {@link SampleEvent} every this many steps. */
  readonly every: number;
  /** Images per sample grid. Default 64. */
  readonly count?: number;
  /** Conditions for conditional generators, [count, conditionDim]. */
  readonly condition?: tf.Tensor;
  /** Generator inputs for image-to-image generators, [count, ...]. */
  readonly input?: tf.Tensor;
  /** Sample from the EMA weights when the trainer keeps them. Default true. */
  readonly ema?: boolean;
}

export interface CheckpointOptions {
  readonly store: CheckpointStore;
  /** Default 'latest'. */
  readonly name?: string;
  /** Also write every this many steps (a checkpoint is always written at the end and on abort). */
  readonly every?: number;
  /** Free-form JSON stored with the checkpoint. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface FitOptions {
  readonly batchSize: number;
  /** Stop after this many steps in this call (at most `GANFORGE_MAX_STEPS` when that variable is set). */
  readonly steps?: number;
  /** Stop after this many passes over the data set in this call. */
  readonly epochs?: number;
  /** Stop after the step that crosses this many milliseconds. */
  readonly durationMs?: number;
  /** Cancels between steps; the run ends with `stoppedBy: 'abort'` after writing a checkpoint. */
  readonly signal?: AbortSignal;
  readonly samples?: SampleOptions;
  readonly checkpoints?: CheckpointOptions;
  /**
   * Which networks each step of this call updates. Default `'both'`: k discriminator updates, then
   * one generator update (and the EMA).
   * - `'discriminator'`: only the discriminator's k updates (each on its own batch); the generator,
   *   its BatchNorm statistics and its EMA stay bit-identical.
   * - `'generator'`: only one generator update on one batch (and the EMA); the discriminator, its
   *   BatchNorm statistics and its optimizer stay bit-identical.
   *
   * Either way the step counts as a step (`step` advances, checkpoints and samples fall due as
   * usual) and its {@link StepEvent} reports both losses: the network that was not updated has its
   * loss evaluated on the step's (last) batch, forward only (no gradient, no update). GAN Lab's
   * single-step buttons are `fit(data, { batchSize, steps: 1, updates: 'discriminator' })` and
   * `updates: 'generator'`.
   */
  readonly updates?: StepUpdates;
  onStep?(event: StepEvent): void | Promise<void>;
  onSample?(event: SampleEvent): void | Promise<void>;
  onCheckpoint?(event: CheckpointEvent): void | Promise<void>;
}
