import { GanForgeError } from './errors.js';

/**
 * A training step (or a restore) failed and the trainer could not put its models, optimizer state
 * and EMA back as they were before it: they may hold a partial update. The trainer refuses to train
 * or to write a checkpoint until a checkpoint is restored. `cause` is the error that failed the step;
 * `rollbackError` the one that stopped the rollback.
 */
export class TrainingStateLostError extends GanForgeError {
  readonly rollbackError: unknown;

  constructor(what: string, cause: unknown, rollbackError: unknown) {
    super(
      'TRAINING_STATE_LOST',
      `${what} failed (${messageOf(cause)}) and the trainer could not return to its state before it ` +
        `(${messageOf(rollbackError)}): its models, optimizer state and EMA may hold a partial update. ` +
        'Restore a checkpoint with trainer.restore() before training on or writing a checkpoint.',
      { cause },
    );
    this.rollbackError = rollbackError;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
