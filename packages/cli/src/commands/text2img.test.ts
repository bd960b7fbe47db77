import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { encodeImage } from '@ganforge/data/node';
import { describe, expect, it } from 'vitest';

import { ganforge, pngSize } from '../test-support/run-ganforge.js';

// Tiny models keep each command a few seconds on the WASM backend.
const tiny = [
  '--size',
  '16',
  '--filters',
  '2',
  '--embedding-dim',
  '8',
  '--latent-dim',
  '4',
  '--batch-size',
  '8',
  '--backend',
  'wasm',
];

describe('ganforge train text2img / text2img', () => {
  it('trains on the captioned shapes (encoder, then GAN), resumes, and draws captions and an interpolation', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-text2img-')), 'run');
    const train = ['train', 'text2img', '--dataset', 'shapes', '--limit', '40', '--encoder', 'bag-of-words', ...tiny];
    const first = ganforge(...train, '--encoder-steps', '3', '--out', out, '--steps', '2', '--sample-every', '1');
    expect(first.errors).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('text encoder (DS-SJE) step 3/3');
    expect(first.stdout).toMatch(/Trained 2 steps \(2 in total, stopped by steps\)/);
    for (const file of ['latest.gfckpt', 'text-encoder.json', 'samples.png', join('samples', 'step-000002.png')]) {
      expect(existsSync(join(out, file))).toBe(true);
    }
    // 8 captions x 8 samples of 16 px with 2 px padding.
    expect(pngSize(join(out, 'samples.png'))).toEqual([8 * 16 + 9 * 2, 8 * 16 + 9 * 2]);

    const again = ganforge(...train, '--out', out, '--steps', '3');
    expect(again.code).toBe(2);
    expect(again.errors).toMatch(
      /^ganforge: --out: expected a folder without a checkpoint, or --resume to continue it/,
    );
    const resumed = ganforge(...train, '--out', out, '--steps', '3', '--resume');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).not.toContain('DS-SJE');
    expect(resumed.stdout).toMatch(/Trained 1 steps \(3 in total/);

    const grid = join(out, 'captions.png');
    const drawn = ganforge(
      'text2img',
      '--checkpoint',
      out,
      'a big red circle',
      'a small blue cross on the left',
      '--out',
      grid,
      '--count',
      '3',
      '--backend',
      'wasm',
    );
    expect(drawn.errors).toBe('');
    expect(drawn.stdout).toContain(`Wrote 2 x 3 pictures from step 3 to ${grid}`);
    expect(pngSize(grid)).toEqual([3 * 16 + 4 * 2, 2 * 16 + 3 * 2]);
    const line = join(out, 'line.png');
    const interpolated = ganforge(
      'text2img',
      '--checkpoint',
      out,
      'a red circle',
      'a blue square',
      '--interpolate',
      '--out',
      line,
      '--count',
      '5',
      '--backend',
      'wasm',
    );
    expect(interpolated.code).toBe(0);
    expect(pngSize(line)).toEqual([5 * 16 + 6 * 2, 16 + 2 * 2]);
  }, 120_000);

  it('trains on a path<TAB>caption file with a char-CNN-RNN encoder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ganforge-text2img-tsv-'));
    const lines: string[] = [];
    for (let i = 0; i < 8; i++) {
      const data = new Uint8Array(16 * 16 * 4).fill(i * 30);
      writeFileSync(join(folder, `p${i}.png`), await encodeImage({ width: 16, height: 16, data }, 'png'));
      lines.push(`p${i}.png\tgrey level ${i}`);
    }
    writeFileSync(join(folder, 'captions.tsv'), `${lines.join('\n')}\n`);
    const out = join(folder, 'run');
    const result = ganforge(
      'train',
      'text2img',
      '--dataset',
      join(folder, 'captions.tsv'),
      ...tiny,
      '--encoder-steps',
      '2',
      '--variant',
      'gan-cls',
      '--out',
      out,
      '--steps',
      '1',
    );
    expect(result.errors).toBe('');
    expect(result.code).toBe(0);
    expect(existsSync(join(out, 'text-encoder.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'text-encoder.json'), 'utf8')).kind).toBe('char-cnn-rnn');
  }, 120_000);

  it('answers bad arguments with one line and a non-zero exit', () => {
    const cases = [
      ganforge('train', 'text2img', '--dataset', 'shapes', '--out', '/tmp/x'),
      ganforge('train', 'text2img', '--dataset', 'shapes', '--out', '/tmp/x', '--steps', '1', '--variant', 'gan-xl'),
      ganforge('text2img', '--checkpoint', '/nonexistent', 'a red circle', '--out', '/tmp/x.png', '--backend', 'wasm'),
      ganforge(
        'text2img',
        '--checkpoint',
        '/nonexistent',
        'one caption',
        '--interpolate',
        '--out',
        '/tmp/x.png',
        '--backend',
        'wasm',
      ),
    ];
    for (const result of cases) expect(result.code).not.toBe(0);
    expect(cases[0]!.errors).toMatch(/^ganforge: --steps \/ --minutes: expected at least one of them/);
    expect(cases[1]!.stderr).toMatch(
      /option '--variant <name>' argument 'gan-xl' is invalid. Allowed choices are gan, gan-cls, gan-int, gan-int-cls/,
    );
    expect(cases[2]!.errors).toMatch(
      /^ganforge: --checkpoint: expected a run folder written by `ganforge train text2img`, received "\/nonexistent", which does not exist\. \[FILE_NOT_FOUND\]$/,
    );
    expect(cases[3]!.errors).toMatch(/^ganforge: --interpolate: expected exactly two captions, received 1/);
    for (const result of [cases[0]!, cases[2]!, cases[3]!]) expect(result.errors.split('\n')).toHaveLength(1);
  }, 120_000);
});
