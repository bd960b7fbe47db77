import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ganforge, pngSize } from '../test-support/run-ganforge.js';

// Tiny models keep each command a few seconds on the cpu backend.
const tiny = [
  '--dataset',
  'mnist',
  '--limit',
  '32',
  '--batch-size',
  '8',
  '--filters',
  '2',
  '--hidden-units',
  '8',
  '--backend',
  'cpu',
];

describe('ganforge train lapgan / sample', () => {
  it('trains every level into its own checkpoint, resumes one level, and samples the run coarse to fine', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-lapgan-')), 'run');
    const first = ganforge('train', 'lapgan', ...tiny, '--out', out, '--steps', '2', '--sample-every', '1');
    expect(first.code, first.errors).toBe(0);
    expect(first.stdout).toContain('level 2: 2 steps (2 in total), level 1: 2 steps (2 in total), level 0: 2 steps');
    for (const level of [0, 1, 2]) expect(existsSync(join(out, `level-${level}.gfckpt`))).toBe(true);
    // A progress grid of level 1 on the 32 real 7x7 images: 6 x 6 cells of 14 px with 2 px padding.
    expect(pngSize(join(out, 'samples', 'level-1-step-000002.png'))).toEqual([6 * 14 + 7 * 2, 6 * 14 + 7 * 2]);
    // When all levels are trained: the finished grid and the level-by-level grid (8 rows, 3 levels at 28 px).
    expect(pngSize(join(out, 'samples.png'))).toEqual([8 * 28 + 9 * 2, 8 * 28 + 9 * 2]);
    expect(pngSize(join(out, 'samples.levels.png'))).toEqual([3 * 28 + 4 * 2, 8 * 28 + 9 * 2]);

    const again = ganforge('train', 'lapgan', ...tiny, '--out', out, '--steps', '3');
    expect(again.code).toBe(2);
    expect(again.errors).toMatch(
      /^ganforge: --out: expected a folder without a LAPGAN run, or --resume to continue it/,
    );

    const resumed = ganforge('train', 'lapgan', ...tiny, '--out', out, '--steps', '5', '--resume', '--level', '0');
    expect(resumed.code, resumed.errors).toBe(0);
    expect(resumed.stdout).toContain('level 0: 3 steps (5 in total)');
    expect(resumed.stdout).not.toContain('level 1:');

    const grid = join(out, 'grid.png');
    const sampled = ganforge(
      'sample',
      '--checkpoint',
      out,
      '--out',
      grid,
      '--count',
      '9',
      '--seed',
      '3',
      '--backend',
      'cpu',
    );
    expect(sampled.code, sampled.errors).toBe(0);
    expect(sampled.stdout).toContain('Wrote 9 LAPGAN samples (level steps 5, 2, 2, finest first)');
    expect(pngSize(grid)).toEqual([3 * 28 + 4 * 2, 3 * 28 + 4 * 2]);
    expect(pngSize(join(out, 'grid.levels.png'))).toEqual([3 * 28 + 4 * 2, 8 * 28 + 9 * 2]);
  }, 120_000);

  it('trains a level on its own and refuses to sample until every level has a checkpoint', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-lapgan-')), 'run');
    const coarsest = ganforge('train', 'lapgan', ...tiny, '--out', out, '--steps', '1', '--level', '2');
    expect(coarsest.code).toBe(0);
    const finest = ganforge('train', 'lapgan', ...tiny, '--out', out, '--steps', '1', '--level', '0', '--resume');
    expect(finest.code).toBe(0);
    expect(existsSync(join(out, 'samples.png'))).toBe(false);
    const sampled = ganforge('sample', '--checkpoint', out, '--out', join(out, 'grid.png'), '--backend', 'cpu');
    expect(sampled.code).toBe(1);
    expect(sampled.errors).toBe(
      `ganforge: --checkpoint: a LAPGAN run needs a checkpoint for each of its 3 levels; ${out} has level-0, level-2. ` +
        'Train the missing levels with `ganforge train lapgan --resume --level <k>`. [CHECKPOINT]',
    );
  }, 120_000);

  it('trains and samples a class-conditional LAPGAN: one class per grid column', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-lapgan-')), 'run');
    const trained = ganforge('train', 'lapgan', ...tiny, '--out', out, '--steps', '1', '--conditional');
    expect(trained.code, trained.errors).toBe(0);
    const grid = join(out, 'grid.png');
    const sampled = ganforge('sample', '--checkpoint', out, '--out', grid, '--count', '20', '--backend', 'cpu');
    expect(sampled.code, sampled.errors).toBe(0);
    // 20 images, classes 0-9 twice: 10 columns, 2 rows.
    expect(pngSize(grid)).toEqual([10 * 28 + 11 * 2, 2 * 28 + 3 * 2]);
  }, 120_000);

  it('answers bad arguments with one line and a non-zero exit', () => {
    const tooDeep = ganforge('train', 'lapgan', ...tiny, '--out', '/tmp/x', '--steps', '1', '--levels', '7');
    expect(tooDeep.code).toBe(2);
    expect(tooDeep.errors).toBe(
      'ganforge: --levels: expected at most 6 for 28x28 images, received 7. [INVALID_ARGUMENT]',
    );
    const badLevel = ganforge('train', 'lapgan', ...tiny, '--out', '/tmp/x-lapgan', '--steps', '1', '--level', '3');
    expect(badLevel.code).toBe(2);
    expect(badLevel.errors).toBe(
      'ganforge: --level: expected a level from 0 (finest) to 2 (coarsest), received 3. [INVALID_ARGUMENT]',
    );
  }, 120_000);
});
