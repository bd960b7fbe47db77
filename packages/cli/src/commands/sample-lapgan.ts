import { extname } from 'node:path';

import { FileCheckpointStore } from '@ganforge/core/node';
import { saveImageGrid } from '@ganforge/data/node';
import { LapGanSampler, lapganCheckpointName, levelProgression } from '@ganforge/laplacian';
import { CheckpointError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import { namingPath } from '../file-system-error.js';
import { createOutputFolders } from '../output-paths.js';
import { lapganLevelSchema, lapganRunSchema, parseCheckpointMetadata } from '../run-metadata.js';

/** True when `folder` holds LAPGAN level checkpoints (`level-<k>.gfckpt`) rather than one `latest.gfckpt`. */
export async function isLapGanRun(folder: string): Promise<boolean> {
  const names = await new FileCheckpointStore(folder).list().catch((): string[] => []);
  return names.includes(lapganCheckpointName(0)) && !names.includes('latest');
}

/** Where the per-level grid of `out` goes, in the same format: `grid.png` -> `grid.levels.png`, `grid.jpg` -> `grid.levels.jpg`. */
export function levelsGridPath(out: string): string {
  const extension = extname(out);
  return `${out.slice(0, out.length - extension.length)}.levels${extension}`;
}

/**
 * Samples a LAPGAN run folder coarse to fine and writes two grids: `out` (the finished images) and
 * `<out>.levels.png` (the first 8 images, one per row, from the coarsest level to the finest).
 */
export async function writeLapGanGrids(
  folder: string,
  out: string,
  options: { count: number; seed: number; ema: boolean },
): Promise<{ step: number[]; levelsPath: string }> {
  const store = new FileCheckpointStore(folder);
  const names = (await store.list()).filter((name) => /^level-\d+$/.test(name));
  const checkpoints = await Promise.all(names.map((name) => store.load(name)));
  // Every level's record is range-checked before any model is built from it.
  const levelCounts = checkpoints.map((checkpoint, index) => {
    const source = `${folder}/${names[index]}.gfckpt`;
    parseCheckpointMetadata(checkpoint!, 'run', lapganRunSchema, source, '`ganforge train lapgan`');
    return parseCheckpointMetadata(checkpoint!, 'lapgan', lapganLevelSchema, source, '`ganforge train lapgan`').levels;
  });
  const levelCount = levelCounts[0] ?? Number.NaN;
  if (checkpoints.length !== levelCount) {
    const present = names.join(', ') || 'none';
    throw new CheckpointError(
      `--checkpoint: a LAPGAN run needs a checkpoint for each of its ${levelCount} levels; ${folder} has ${present}. ` +
        'Train the missing levels with `ganforge train lapgan --resume --level <k>`.',
    );
  }
  const sampler = await LapGanSampler.fromCheckpoints(checkpoints, { ema: options.ema });
  const { images, levels } = sampler.sample({ count: options.count, seed: options.seed, returnLevels: true });
  const rows = Math.min(8, options.count);
  const progression = tf.tidy(() => levelProgression(levels.map((level) => level.slice(0, rows))));
  const levelsPath = levelsGridPath(out);
  try {
    await createOutputFolders('--out', out);
    await namingPath('--out', async () => {
      await saveImageGrid(images, out, { columns: sampler.classes ? sampler.classes : undefined });
      await saveImageGrid(progression, levelsPath, { columns: levels.length });
    });
  } finally {
    tf.dispose([images, progression, ...levels]);
    sampler.dispose();
  }
  return { step: checkpoints.map((checkpoint) => checkpoint!.step), levelsPath };
}

/** `ganforge sample` on a LAPGAN run folder. */
export async function sampleLapGan(options: {
  checkpoint: string;
  out: string;
  count: number;
  seed: number;
  ema: boolean;
}): Promise<void> {
  const { step, levelsPath } = await writeLapGanGrids(options.checkpoint, options.out, options);
  console.log(
    `Wrote ${options.count} LAPGAN samples (level steps ${step.join(', ')}, finest first) to ${options.out} ` +
      `and their levels, coarse to fine, to ${levelsPath}`,
  );
}
