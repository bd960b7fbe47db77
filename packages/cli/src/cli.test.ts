import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { ganforge } from './test-support/run-ganforge.js';

// Tiny settings keep each command a few seconds on the cpu backend.
const tiny = [
  '--dataset',
  'mnist',
  '--limit',
  '32',
  '--batch-size',
  '8',
  '--filters',
  '4',
  '--latent-dim',
  '8',
  '--backend',
  'cpu',
];

describe('ganforge CLI', () => {
  it('trains, resumes and samples a DCGAN on real MNIST', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-cli-')), 'run');
    const first = ganforge('train', 'dcgan', ...tiny, '--out', out, '--steps', '2', '--sample-every', '1');
    expect(first.stderr).toContain('[ganforge] backend: cpu');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Trained 2 steps \(2 in total, stopped by steps\)/);
    expect(existsSync(join(out, 'latest.gfckpt'))).toBe(true);
    expect(existsSync(join(out, 'samples', 'step-000002.png'))).toBe(true);

    const again = ganforge('train', 'dcgan', ...tiny, '--out', out, '--steps', '3');
    expect(again.code).toBe(2);
    expect(again.errors).toMatch(
      /^ganforge: --out: expected a folder without a checkpoint, or --resume to continue it/,
    );

    const resumed = ganforge('train', 'dcgan', ...tiny, '--out', out, '--steps', '3', '--resume');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Trained 1 steps \(3 in total/);

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
    expect(sampled.code).toBe(0);
    const png = PNG.sync.read(readFileSync(grid));
    // 3 x 3 grid of 28 px images with 2 px padding: 3 * 28 + 4 * 2 = 92
    expect([png.width, png.height]).toEqual([92, 92]);

    // The output's format follows its extension: a .jpg grid is a JPEG (jpeg-js, not sharp, decodes it).
    const jpegGrid = join(out, 'grid.jpg');
    const sampledJpeg = ganforge('sample', '--checkpoint', out, '--out', jpegGrid, '--count', '9', '--backend', 'cpu');
    expect(sampledJpeg.code).toBe(0);
    expect(Array.from(readFileSync(jpegGrid).subarray(0, 3))).toEqual([0xff, 0xd8, 0xff]);
    const decoded = jpeg.decode(readFileSync(jpegGrid), { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([92, 92]);
  }, 120_000);

  it('answers bad arguments with one line and a non-zero exit', () => {
    const cases = [
      ganforge('train', 'dcgan', '--dataset', 'mnist', '--out', '/tmp/x', '--steps', 'many'),
      ganforge('train', 'dcgan', '--dataset', 'mnist', '--out', '/tmp/x'),
      ganforge('train', 'dcgan', '--out', '/tmp/x', '--steps', '3'),
      ganforge('sample', '--checkpoint', '/nonexistent', '--out', '/tmp/x.png', '--backend', 'cpu'),
      ganforge('train', 'dcgan', '--dataset', 'mnist', '--out', '/tmp/x', '--steps', '1', '--backend', 'quantum'),
      // The output format is checked before anything else, the checkpoint included.
      ganforge('sample', '--checkpoint', '/nonexistent', '--out', '/tmp/x.bmp', '--backend', 'cpu'),
      ganforge('text2img', 'a red circle', '--checkpoint', '/nonexistent', '--out', '/tmp/x.gif', '--backend', 'cpu'),
    ];
    for (const result of cases) expect(result.code).not.toBe(0);
    expect(cases[0]!.stderr).toMatch(
      /option '--steps <n>' argument 'many' is invalid. expected an integer >= 1, received 'many'/,
    );
    expect(cases[1]!.errors).toMatch(/^ganforge: --steps \/ --minutes: expected at least one of them/);
    expect(cases[2]!.stderr).toMatch(/required option '--dataset <name\|folder>' not specified/);
    expect(cases[3]!.errors).toMatch(
      /^ganforge: --checkpoint: expected a run folder written by `ganforge train`, received "\/nonexistent", which does not exist\. \[FILE_NOT_FOUND\]$/,
    );
    expect(cases[4]!.stderr).toMatch(
      /option '--backend <name>' argument 'quantum' is invalid. Allowed choices are tensorflow-gpu, tensorflow, webgpu, wasm, cpu/,
    );
    expect(cases[5]!.errors).toMatch(/^ganforge: --out: expected a file name ending in \.png, \.jpg, \.jpeg or \.webp/);
    expect(cases[6]!.errors).toMatch(/^ganforge: --out: expected a file name ending in \.png, \.jpg, \.jpeg or \.webp/);
    for (const result of [cases[1]!, cases[3]!]) expect(result.errors.split('\n')).toHaveLength(1);
  }, 120_000);
});
