import { type Checkpoint, CheckpointError } from '@ganforge/core';

/**
 * `metadata.run` of a run's checkpoint, checked for what the Train panel rebuilds from it: 28x28
 * greyscale, not class-conditional, and each named width an integer. Other runs (a CIFAR DCGAN, a
 * conditional one) continue with the CLI; the message says so and names the file.
 */
export function trainableRunRecord(
  checkpoint: Checkpoint,
  file: string,
  widths: readonly string[],
): Readonly<Record<string, unknown>> {
  const run = checkpoint.metadata['run'];
  if (typeof run !== 'object' || run === null) {
    throw new CheckpointError(
      `${file}: metadata.run: expected the settings of the run (written by \`ganforge train\` or the studio), received nothing.`,
      { code: 'CHECKPOINT_HEADER' },
    );
  }
  const record = run as Record<string, unknown>;
  const refuse = (field: string, expected: string) =>
    new CheckpointError(
      `${file}: metadata.run.${field}: expected ${expected}, received ${JSON.stringify(record[field])}. ` +
        'The Train panel continues 28x28 greyscale runs; continue this one with `ganforge train ... --resume`.',
      { code: 'CHECKPOINT_HEADER' },
    );
  if (record['size'] !== 28) throw refuse('size', '28');
  if (record['channels'] !== 1) throw refuse('channels', '1');
  if (record['conditional'] === true) throw refuse('conditional', 'false (an unconditional run)');
  for (const field of widths) {
    const value = record[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 4096)
      throw refuse(field, 'an integer from 1 to 4096');
  }
  return record;
}

/** A run file's bytes, or an error naming the file the run lacks. */
export function runFile(files: Readonly<Record<string, Uint8Array>>, name: string, what: string): Uint8Array {
  const bytes = files[name];
  if (!bytes) {
    throw new CheckpointError(
      `The run has no ${name} (it holds ${Object.keys(files).join(', ') || 'no files'}); expected ${what}.`,
      { code: 'CHECKPOINT_HEADER' },
    );
  }
  return bytes;
}
