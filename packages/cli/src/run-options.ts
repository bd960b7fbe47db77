import type { Command } from 'commander';

import { InvalidArgumentError } from '@ganforge/core';

import { backendOption, threadsOption } from './backend-option.js';
import { integerOption } from './option-parsers.js';
import { runLimits } from './run-metadata.js';

/**
 * The options every `train` command ends with: how often to write sample grids and checkpoints, the
 * seed of all randomness and `--backend`.
 */
export function addRunOptions(
  command: Command,
  defaults: {
    readonly sampleEvery: number;
    readonly checkpointEvery: number;
    readonly perLevel?: boolean;
    /** The seeds the command's models take (default: 31-bit, as core's trainer). */
    readonly seeds?: readonly [number, number];
  },
): Command {
  const [grid, checkpoint] = defaults.perLevel
    ? ['a progress grid of the level', 'a level checkpoint']
    : ['a sample grid', 'a checkpoint'];
  return command
    .option('--sample-every <n>', `write ${grid} every n steps`, integerOption(1), defaults.sampleEvery)
    .option('--checkpoint-every <n>', `write ${checkpoint} every n steps`, integerOption(1), defaults.checkpointEvery)
    .option('--seed <n>', 'seed of all randomness', integerOption(...(defaults.seeds ?? runLimits.seed)), 0)
    .addOption(backendOption())
    .addOption(threadsOption());
}

/** A training command needs `--steps`, `--minutes` or both to know when to stop. */
export function assertStopCondition(options: { readonly steps?: unknown; readonly minutes?: unknown }): void {
  if (options.steps === undefined && options.minutes === undefined) {
    throw new InvalidArgumentError('--steps / --minutes', 'at least one of them, to say when to stop', undefined);
  }
}

/**
 * A batch is drawn from one pass over the data, so `--batch-size` must not exceed the examples of
 * the data set (a small `--limit` makes that easy to hit): checked before the first step, naming
 * the flag rather than the trainer's `batchSize`.
 *
 * @param what - what the data set holds, e.g. `'training images'`.
 */
export function assertBatchFitsData(batchSize: number, size: number | undefined, what: string): void {
  if (size !== undefined && batchSize > size) {
    throw new InvalidArgumentError(
      '--batch-size',
      `at most ${size}, the number of ${what}`,
      batchSize,
      'Lower --batch-size, or train on more data.',
    );
  }
}

/** When a training command stops and what it writes, from its parsed options. */
export function runSchedule(options: Record<string, unknown>) {
  return {
    steps: options['steps'] as number | undefined,
    durationMs: options['minutes'] === undefined ? undefined : (options['minutes'] as number) * 60_000,
    resume: options['resume'] as boolean,
    sampleEvery: options['sampleEvery'] as number,
    checkpointEvery: options['checkpointEvery'] as number,
  };
}
