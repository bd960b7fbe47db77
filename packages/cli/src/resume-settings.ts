import type { Command } from 'commander';

import { type Checkpoint, CheckpointError, describedAs, InvalidArgumentError } from '@ganforge/core';

/**
 * What a flag given on `--resume` may do when its value differs from the one the checkpoint records:
 * - `'apply'`: it replaces the recorded value (learning rate, loss, ...); the optimizers keep their
 *   state, so training continues from the checkpoint with the new setting, reported in one line.
 * - `'data'`: as `'apply'`, for a setting that changes the batches (data set, batch size, limit):
 *   the run can no longer continue the interrupted pass, so it starts a new one.
 * - `'refuse'`: the checkpoint cannot take it (architecture, image shape, seed): a typed error.
 */
export type ResumeChange = 'apply' | 'data' | 'refuse';

export interface ResumeRule {
  /** The command-line flag that sets the value, e.g. `'--lr'`. */
  readonly flag: string;
  readonly change: ResumeChange;
  /** Why a `'refuse'` flag cannot change, for the error message. */
  readonly reason?: string;
}

/** A rule for every field of a run's recorded options; `null` for fields no flag sets. */
export type ResumeRules<Run> = { readonly [Key in keyof Required<Run>]: ResumeRule | null };

/** `--seed` on resume: refused, since the seed is the state of every random stream (core's `restore()` checks it too). */
export const seedResumeRule: ResumeRule = {
  flag: '--seed',
  change: 'refuse',
  reason: 'the seed is the state of every random stream of the run',
};

/**
 * The rules the image GANs trained on MNIST or an image folder share (`train dcgan`, `train lapgan`);
 * `architecture` says why a shape flag cannot change.
 */
export function imageGanResumeRules(architecture: string) {
  return {
    dataset: { flag: '--dataset', change: 'data' },
    size: { flag: '--size', change: 'refuse', reason: architecture },
    channels: { flag: '--channels', change: 'refuse', reason: architecture },
    filters: { flag: '--filters', change: 'refuse', reason: architecture },
    conditional: { flag: '--conditional', change: 'refuse', reason: 'the models take a class input or not' },
    loss: { flag: '--loss', change: 'apply' },
    learningRate: { flag: '--lr', change: 'apply' },
    batchSize: { flag: '--batch-size', change: 'data' },
    seed: seedResumeRule,
    limit: { flag: '--limit', change: 'data' },
  } as const satisfies Record<string, ResumeRule>;
}

export interface ResumedRun<Run> {
  /** The options to resume with: the recorded ones, with the applied flags over them. */
  readonly run: Run;
  /**
   * One line per applied flag, e.g. "--lr 0.01 replaces the checkpoint's 0.0002", and one saying that
   * the run is no longer an exact continuation when the batches change.
   */
  readonly changes: readonly string[];
  /** Whether an applied flag changes the batches (a `'data'` rule). */
  readonly dataChanged: boolean;
}

function describe(value: unknown): string {
  if (value === undefined) return 'none';
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The options a resumed run continues with. Each field comes from the checkpoint's record, unless
 * its flag was given explicitly (`explicit`) with a different value: then the flag is applied and
 * reported, or refused with an {@link InvalidArgumentError} naming the flag, the recorded value and
 * the received one, as its rule says. A field the record lacks is unset (JSON drops undefined), so
 * a flag that sets it counts as a change. No flag is dropped without a word.
 *
 * @example
 * ```ts
 * const { run, changes } = resumeRun(checkpoint.metadata.run, requested, new Set(['--lr']), dcganResumeRules);
 * for (const line of changes) console.error(`[ganforge] resume: ${line}`);
 * ```
 */
export function resumeRun<Run extends object>(
  recorded: Run,
  requested: Run,
  explicit: ReadonlySet<string>,
  rules: ResumeRules<Run>,
): ResumedRun<Run> {
  if (typeof recorded !== 'object' || recorded === null) {
    throw new CheckpointError(
      'checkpoint: its metadata.run (the settings of the run) is missing; resume a folder written by this ganforge train command.',
    );
  }
  const run: Record<string, unknown> = { ...(requested as Record<string, unknown>) };
  const changes: string[] = [];
  let dataChanged = false;
  for (const key of Object.keys(rules) as (keyof Run & string)[]) {
    const rule = rules[key];
    // JSON drops undefined: an absent field is an unset optional one, or one the checkpoint's version lacked.
    const hasRecord = Object.hasOwn(recorded, key);
    const before = (recorded as Record<string, unknown>)[key];
    const after = (requested as Record<string, unknown>)[key];
    if (rule === null || !explicit.has(rule.flag) || sameValue(before, after)) {
      // Unrecorded and not given: the requested default (undefined for an optional field).
      if (hasRecord) run[key] = before;
      continue;
    }
    if (rule.change === 'refuse') {
      throw new InvalidArgumentError(
        rule.flag,
        `${describe(before)}, the value the checkpoint was trained with (${rule.reason ?? 'it cannot change on --resume'})`,
        after,
        'Leave the flag out to resume, or start a new run in another --out folder.',
      );
    }
    run[key] = after;
    dataChanged ||= rule.change === 'data';
    changes.push(`${rule.flag} ${describe(after)} replaces the checkpoint's ${describe(before)}`);
  }
  if (dataChanged) {
    changes.push('the batches change, so training starts a new pass over the data (no longer an exact continuation)');
  }
  return { run: run as Run, changes, dataChanged };
}

/**
 * Refuses flags that only matter when a run starts (e.g. `--encoder-steps`) when they are given on
 * a run that resumes, instead of ignoring them.
 */
export function refuseStartOnlyFlags(explicit: ReadonlySet<string>, flags: Record<string, string>): void {
  for (const [flag, reason] of Object.entries(flags)) {
    if (explicit.has(flag)) {
      throw new InvalidArgumentError(
        flag,
        `no value when the run resumes (${reason})`,
        describedAs(`${flag} on a resumed run`),
        'Leave the flag out, or start a new run in another --out folder.',
      );
    }
  }
}

/**
 * The checkpoint to restore when the batches changed: the interrupted pass cannot be continued
 * with other data, so the run starts the next pass from its first batch (with the smaller data set
 * of a new --limit, the old position could even lie past the end).
 */
export function checkpointForNewData(checkpoint: Checkpoint, resumed: Pick<ResumedRun<unknown>, 'dataChanged'>) {
  if (!resumed.dataChanged || checkpoint.batchInEpoch === 0) return checkpoint;
  return { ...checkpoint, epoch: checkpoint.epoch + 1, batchInEpoch: 0 };
}

/** Prints what a resumed run changed, one line per flag, on stderr beside the backend line. */
export function reportResume(changes: readonly string[], prefix = ''): void {
  for (const change of changes) console.error(`[ganforge] resume: ${prefix}${change}`);
}

/** The long flags (`--lr`) the user gave on the command line or through the environment, not defaults. */
export function explicitFlags(command: Command): ReadonlySet<string> {
  const given = new Set<string>();
  for (const option of command.options) {
    const source = command.getOptionValueSource(option.attributeName());
    if (option.long && (source === 'cli' || source === 'env')) given.add(option.long);
  }
  return given;
}

/**
 * Checks `--out` against `--resume`: a folder that holds a run needs `--resume` (an
 * `InvalidArgumentError` naming `--out`, so a run is never overwritten), and `--resume` on a folder
 * that holds none says so in one line and starts a new run (the flag is not dropped silently: a typo
 * in `--out` shows at once).
 *
 * @param resume - `true` for the user's `--resume`; `'if-any'` continues a run if there is one, silently (the demo).
 * @param holds - what a run folder of this command holds, for the messages (`'a checkpoint'`).
 */
export function assertOutFitsResume(
  existing: unknown,
  resume: boolean | 'if-any' | undefined,
  out: string,
  holds: string,
): void {
  if (existing !== undefined && !resume) {
    throw new InvalidArgumentError('--out', `a folder without ${holds}, or --resume to continue it`, out);
  }
  if (existing === undefined && resume === true) {
    console.error(`[ganforge] resume: ${out} holds no ${holds.replace(/^an? /, '')} yet, so this is a new run.`);
  }
}
