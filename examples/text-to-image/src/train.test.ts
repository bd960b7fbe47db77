import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

describe('examples/text-to-image (the @ganforge/text README example)', () => {
  it('runs and writes a PNG grid', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-text-example-')), 'grid.png');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/train.ts', '2', '2', out], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
    });
    expect(result.stderr).toContain('[ganforge] backend: wasm');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`wrote ${out}`);
    expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);
});
