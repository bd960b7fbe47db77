import type * as tf from '@tensorflow/tfjs';

/** Emitted after every training step (one generator update and its discriminator updates). */
export interface StepEvent {
  /** Steps completed so far, counting steps before a resume. */
  readonly step: number;
  /** Passes over the data set completed so far. */
  readonly epoch: number;
  /**
   * Discriminator loss of the step's last discriminator update, regularizers included (in an
   * `updates: 'generator'` step: evaluated forward only on the step's batch, before the generator update).
   */
  readonly discriminatorLoss: number;
  /**
   * Generator loss: weighted adversarial term plus weighted extra terms, before the generator update
   * (in an `updates: 'discriminator'` step: evaluated forward only, after the discriminator updates).
   */
  readonly generatorLoss: number;
  /** Unweighted parts: `adversarial`, each generator term and each regularizer by name. */
  readonly terms: Readonly<Record<string, number>>;
  /** Wall time of this step in milliseconds. */
  readonly durationMs: number;
  /** Steps per second since this `fit` call started. */
  readonly stepsPerSecond: number;
}

/** Emitted every `samples.every` steps with images from a fixed noise batch. */
export interface SampleEvent {
  readonly step: number;
  /** Generated images; disposed after the callback returns, so copy what must outlive it. */
  readonly images: tf.Tensor;
}

/** Emitted after a checkpoint has been written. */
export interface CheckpointEvent {
  readonly step: number;
  readonly name: string;
  readonly reason: 'interval' | 'end' | 'abort';
}

/** What a finished `fit` call reports. */
export interface TrainingSummary {
  /** Steps run by this call. */
  readonly stepsRun: number;
  /** Total steps completed, counting steps before a resume. */
  readonly step: number;
  readonly epoch: number;
  /** Why the run ended. */
  readonly stoppedBy: 'steps' | 'epochs' | 'duration' | 'abort';
  readonly durationMs: number;
  readonly lastStep?: StepEvent;
}
