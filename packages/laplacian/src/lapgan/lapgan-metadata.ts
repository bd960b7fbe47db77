import { type Checkpoint, CheckpointError } from '@ganforge/core';

/** What each LAPGAN level checkpoint stores under `metadata.lapgan`, so levels can be reassembled. */
export interface LapGanCheckpointMetadata {
  readonly level: number;
  readonly levels: number;
  readonly imageShape: readonly [number, number, number];
  readonly classes: number;
}

/** The checkpoint name of a level: `level-0` is the finest. */
export function lapganCheckpointName(level: number): string {
  return `level-${level}`;
}

/** Reads `metadata.lapgan` of a level checkpoint, or throws a {@link CheckpointError} saying what is missing. */
export function lapganMetadataOf(checkpoint: Checkpoint, argument: string): LapGanCheckpointMetadata {
  if (checkpoint?.format !== 'ganforge-checkpoint') {
    throw new CheckpointError(
      `${argument}: expected a GANForge checkpoint (from a CheckpointStore), received ${String(checkpoint)}.`,
    );
  }
  const metadata = checkpoint.metadata?.['lapgan'] as Partial<LapGanCheckpointMetadata> | undefined;
  const valid =
    typeof metadata === 'object' &&
    metadata !== null &&
    Number.isInteger(metadata.level) &&
    Number.isInteger(metadata.levels) &&
    Number.isInteger(metadata.classes) &&
    Array.isArray(metadata.imageShape) &&
    metadata.imageShape.length === 3;
  if (!valid) {
    throw new CheckpointError(
      `${argument}: expected a LAPGAN level checkpoint (metadata.lapgan with level, levels, imageShape, classes), ` +
        'received one without it. Write level checkpoints with LapGan.fitLevel or LapGan.checkpointLevel.',
    );
  }
  return metadata as LapGanCheckpointMetadata;
}
