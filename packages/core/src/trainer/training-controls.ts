import type { CheckpointConfig } from '../checkpoint/checkpoint.js';
import { CheckpointError } from '../errors.js';

/** Learning rates for {@link AdversarialTrainer.setLearningRates}; an absent one stays as it is. */
export interface LearningRates {
  readonly generator?: number;
  readonly discriminator?: number;
}

/** What was changed on a live trainer (setLearningRates, setDiscriminatorSteps), as a checkpoint records it. */
export interface TrainingControls {
  readonly learningRates: { readonly generator: number; readonly discriminator: number };
  readonly discriminatorStepsPerGeneratorStep: number;
}

/** Which networks a step updates (see {@link FitOptions.updates}). */
export type StepUpdates = 'both' | 'discriminator' | 'generator';

/** The checkpoint config keys of the live controls and of the discriminator-update counter. */
export const trainingControlsKey = 'trainingControls';
export const discriminatorUpdatesKey = 'discriminatorUpdates';

/**
 * The controls a checkpoint's config records, or undefined for a checkpoint written before they
 * were changed (or before they existed). Throws CheckpointError for a malformed record.
 */
export function trainingControlsOf(config: CheckpointConfig): TrainingControls | undefined {
  const value = config[trainingControlsKey];
  if (value === undefined) return undefined;
  const record = value as Partial<TrainingControls> | null;
  const rates = record?.learningRates;
  const k = record?.discriminatorStepsPerGeneratorStep;
  const fits =
    typeof record === 'object' &&
    record !== null &&
    isRate(rates?.generator) &&
    isRate(rates?.discriminator) &&
    typeof k === 'number' &&
    Number.isInteger(k) &&
    k >= 1 &&
    k <= 100;
  if (!fits) {
    throw new CheckpointError(
      `checkpoint: config.${trainingControlsKey} should be { learningRates: { generator, discriminator } (numbers ` +
        `in (0, 10]), discriminatorStepsPerGeneratorStep (an integer in [1, 100]) }, received ${JSON.stringify(value)}.`,
    );
  }
  return record as TrainingControls;
}

/**
 * The discriminator updates run before a checkpoint: its recorded count, or for a checkpoint written
 * before the count existed `step * k`, the count those trainers derived their seeds from.
 */
export function discriminatorUpdatesOf(config: CheckpointConfig, step: number, k: number): number {
  const value = config[discriminatorUpdatesKey];
  if (value === undefined) return step * k;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new CheckpointError(
      `checkpoint: config.${discriminatorUpdatesKey} should be a non-negative integer (the discriminator updates ` +
        `run so far), received ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function isRate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 10;
}
