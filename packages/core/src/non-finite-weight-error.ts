import { GanForgeError } from './errors.js';

/**
 * When a non-finite weight was found: `'step'` right after a training step (the losses were
 * finite, e.g. BatchNorm statistics of huge inputs overflowed), `'checkpoint'` when asked to write a
 * checkpoint, `'restore'` in a checkpoint being restored.
 */
export type NonFiniteWeightCheck = 'step' | 'checkpoint' | 'restore';

/**
 * A weight, BatchNorm statistic, optimizer slot or EMA weight holds NaN or ±Infinity. The trainer
 * refuses to go on with it or to write it into a checkpoint: such a checkpoint would load and
 * generate garbage. `weight` names the tensor (e.g. `generator weight 'batch_normalization_1/moving_variance'`).
 */
export class NonFiniteWeightError extends GanForgeError {
  readonly step: number;
  readonly weight: string;
  readonly value: number;
  readonly check: NonFiniteWeightCheck;

  constructor(check: NonFiniteWeightCheck, step: number, weight: string, value: number) {
    super('NON_FINITE_WEIGHT', `${describeCheck(check, step)} ${weight} holds ${value}. ${consequence(check, step)}`);
    this.step = step;
    this.weight = weight;
    this.value = value;
    this.check = check;
  }
}

function describeCheck(check: NonFiniteWeightCheck, step: number): string {
  switch (check) {
    case 'step':
      return `Training stopped at step ${step}: the losses are finite, but after the update the`;
    case 'checkpoint':
      return `Refused to write a checkpoint at step ${step}: the`;
    case 'restore':
      return `Refused to restore the checkpoint of step ${step}: its`;
  }
}

function consequence(check: NonFiniteWeightCheck, step: number): string {
  switch (check) {
    case 'step':
      return (
        `The trainer is back at its state after step ${step - 1} and the last checkpoint written before this step is kept. ` +
        'Check the data range ([-1, 1] expected) or lower the learning rate.'
      );
    case 'checkpoint':
      return 'The previous checkpoint is kept; restore it with trainer.restore() before training on.';
    case 'restore':
      return 'The trainer is unchanged. The file was written by a broken run or altered; use an earlier checkpoint.';
  }
}
