import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ganforge } from '../test-support/run-ganforge.js';

describe('ganforge train text2img --encoder word-gru', () => {
  it('trains the word-GRU encoder and the GAN on the default wasm backend (it needed UnsortedSegmentSum there)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-word-gru-')), 'run');
    const result = ganforge(
      ...['train', 'text2img', '--dataset', 'shapes', '--limit', '16', '--encoder', 'word-gru', '--encoder-steps', '2'],
      ...['--steps', '1', '--size', '16', '--filters', '2', '--embedding-dim', '8', '--latent-dim', '4'],
      ...['--batch-size', '4', '--out', out],
    );
    // useBackend()'s report line names the backend it picked.
    expect(result.stderr).toMatch(/backend.*\bwasm\b/);
    expect(result.errors).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('text encoder (DS-SJE) step 2/2');
    expect(existsSync(join(out, 'text-encoder.json'))).toBe(true);
  });
});
