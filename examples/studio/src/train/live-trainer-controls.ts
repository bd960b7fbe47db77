import type { AdversarialTrainer, FitOptions } from '@ganforge/core';

import type { LearningRates, SingleUpdate } from './train-protocol.js';

// The live controls of @ganforge/core's AdversarialTrainer (learning rates, D steps per G step,
// single updates). Reached through these functions so the panel has one place that uses them.

/** Sets both optimizers' learning rates; the next update uses them. */
export function setLearningRates(trainer: AdversarialTrainer, rates: LearningRates): void {
  trainer.setLearningRates(rates);
}

/** Sets the discriminator updates per generator update; the next step uses it. */
export function setDiscriminatorSteps(trainer: AdversarialTrainer, steps: number): void {
  trainer.setDiscriminatorSteps(steps);
}

/** Fit options for one step that updates only the discriminator or only the generator. */
export function singleUpdateOptions(batchSize: number, update: SingleUpdate): FitOptions {
  return { batchSize, steps: 1, updates: update };
}
