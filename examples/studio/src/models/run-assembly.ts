import type { CheckedCheckpoint, CheckedRunFile, CheckedTextEncoder } from './run-file-check.js';
import { folderOf } from './run-file-check.js';
import { RunImportError } from './run-import-error.js';
import type { RunFamily } from './run-library.js';

/** A run ready for the library: its files by their names in a `ganforge train` run folder. */
export interface AssembledRun {
  readonly name: string;
  readonly family: RunFamily;
  readonly step: number;
  readonly files: Record<string, Uint8Array>;
}

const describe = (file: CheckedCheckpoint) =>
  `a ${file.family} checkpoint (${file.path}${file.lapgan ? `, level ${file.lapgan.level} of ${file.lapgan.levels}` : ''})`;

/**
 * Puts checked files together into one run, refusing what a `ganforge train` run folder never holds:
 * files of two runs (two folders, two families, two `latest.gfckpt`, LAPGAN levels of different
 * settings, a text encoder another run trained), a LAPGAN run missing a level, a text-to-image
 * checkpoint without its `text-encoder.json` or the encoder alone.
 *
 * @throws RunImportError naming the file, the expected and the received.
 */
export function assembleRun(checked: readonly CheckedRunFile[]): AssembledRun {
  const layersModel = checked.find((file) => file.kind === 'layers-model');
  if (layersModel) {
    const folder = folderOf(layersModel.path);
    return {
      name: folder || 'srresnet run',
      family: layersModel.family,
      step: layersModel.step,
      files: { ...layersModel.files },
    };
  }
  const folders = [...new Set(checked.map((file) => folderOf(file.path)))];
  if (folders.length > 1) {
    throw new RunImportError(
      'RUN_MIXED',
      checked.map((file) => file.path).join(', '),
      `expected the files of one run folder, received files of ${folders.length} (${folders.map((folder) => folder || 'loose files').join(', ')}). Import each run on its own.`,
    );
  }
  const checkpoints = checked.filter((file): file is CheckedCheckpoint => file.kind === 'checkpoint');
  const encoders = checked.filter((file): file is CheckedTextEncoder => file.kind === 'text-encoder');
  const first = checkpoints[0];
  if (!first) {
    throw new RunImportError(
      'RUN_INCOMPLETE',
      encoders.map((file) => file.path).join(', '),
      'expected text-encoder.json together with the latest.gfckpt of its `ganforge train text2img` run, received the encoder alone. Select both files (or the run folder).',
    );
  }
  for (const file of checkpoints) {
    if (file.family !== first.family) {
      throw new RunImportError(
        'RUN_MIXED',
        `${first.path}, ${file.path}`,
        `expected the checkpoints of one run, received ${describe(first)} and ${describe(file)}. Import each run on its own.`,
      );
    }
    if (JSON.stringify(file.runIdentity) !== JSON.stringify(first.runIdentity)) {
      throw new RunImportError(
        'RUN_MIXED',
        `${first.path}, ${file.path}`,
        `expected the checkpoints of one run (the same metadata.run settings), received ${JSON.stringify(first.runIdentity)} and ${JSON.stringify(file.runIdentity)}: they are files of two different runs.`,
      );
    }
  }
  const byName = new Map<string, CheckedRunFile>();
  for (const file of checked) {
    const earlier = byName.get(file.name);
    if (earlier) {
      throw new RunImportError(
        'RUN_MIXED',
        `${earlier.path}, ${file.path}`,
        `expected one ${file.name} in a run, received two: they are files of two different runs. Import each run on its own.`,
      );
    }
    byName.set(file.name, file);
  }
  const family = first.family;
  if (family === 'lapgan') {
    const levels = first.lapgan!.levels;
    const missing = Array.from({ length: levels }, (_, level) => `level-${level}.gfckpt`).filter(
      (name) => !byName.has(name),
    );
    const extra = checkpoints.find((file) => file.lapgan!.levels !== levels || file.lapgan!.level >= levels);
    if (extra) {
      throw new RunImportError(
        'RUN_MIXED',
        extra.path,
        `expected level 0 to ${levels - 1} of a ${levels}-level LAPGAN run (as ${first.path} says), received ${describe(extra)}: they are files of two different runs.`,
      );
    }
    if (missing.length > 0) {
      throw new RunImportError(
        'RUN_INCOMPLETE',
        folders[0] || first.path,
        `expected all ${levels} level checkpoints of the LAPGAN run (level-0.gfckpt to level-${levels - 1}.gfckpt), received no ${missing.join(', ')}. Select every level file (or the run folder).`,
      );
    }
  } else if (checkpoints.length > 1) {
    throw new RunImportError(
      'RUN_MIXED',
      checkpoints.map((file) => file.path).join(', '),
      `expected one checkpoint for a ${family} run (latest.gfckpt), received ${checkpoints.length}: they are files of different runs.`,
    );
  }
  if (family === 'text2img') {
    const encoder = encoders[0];
    if (!encoder) {
      throw new RunImportError(
        'RUN_INCOMPLETE',
        first.path,
        'expected it together with text-encoder.json (a `ganforge train text2img` run folder holds both; the generator reads captions through that encoder), received no text-encoder.json. Select both files (or the run folder).',
      );
    }
    const { encoder: kind, embeddingDim } = first.runIdentity;
    if (encoder.encoderKind !== kind || encoder.dim !== embeddingDim) {
      throw new RunImportError(
        'RUN_MIXED',
        `${first.path}, ${encoder.path}`,
        `expected a text encoder of kind ${JSON.stringify(kind)} with dim ${String(embeddingDim)} (metadata.run of the checkpoint), received kind ${JSON.stringify(encoder.encoderKind)} with dim ${encoder.dim}: the encoder belongs to another run.`,
      );
    }
  } else if (encoders.length > 0) {
    throw new RunImportError(
      'RUN_MIXED',
      encoders[0]!.path,
      `expected text-encoder.json only in a text2img run, received it with ${describe(first)}: they are files of two different runs.`,
    );
  }
  const loose = first.path.slice(first.path.lastIndexOf('/') + 1).replace(/\.gfckpt$/i, '');
  const name = folders[0] || (/^(latest|level-\d+)$/.test(loose) ? `${family} run` : loose);
  const files: Record<string, Uint8Array> = {};
  // Checkpoints first, in level order, then the encoder: the order a folder lists them.
  for (const file of [...checkpoints].sort((a, b) => a.name.localeCompare(b.name)).concat())
    files[file.name] = file.bytes;
  for (const file of encoders) files[file.name] = file.bytes;
  return { name, family, step: checkpoints.reduce((sum, file) => sum + file.step, 0), files };
}
