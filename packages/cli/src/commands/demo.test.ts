import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultWasmThreads } from '@ganforge/backend-node';
import { describe, expect, it } from 'vitest';

import { ganforge } from '../test-support/run-ganforge.js';

describe('ganforge demo', () => {
  it('starts with the backend line and no warning, and ends with its measured steps/s and machine', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-demo-')), 'run');
    const result = ganforge('demo', '--minutes', '0.05', '--out', out);
    expect(result.code, result.stderr).toBe(0);
    // Before the Vulkan check, Dawn printed "Warning: Couldn't load Vulkan ..." here, ahead of this line.
    // The wasm backend computes on every physical core by default (wasm-thread-count.test.ts).
    const threads = defaultWasmThreads();
    expect(result.stderr.split('\n')[0]).toMatch(
      new RegExp(`^\\[ganforge\\] backend: wasm \\(WebAssembly SIMD, ${threads} threads?\\) — skipped `),
    );
    expect(result.errors).toBe('');
    expect(result.stdout.split('\n')[0]).toMatch(/^Training a DCGAN on MNIST for 0.05 min on WebAssembly SIMD/);
    const done =
      /Done: (\d+) steps in (\d+\.\d) s \(\d+ in total\): (\d+\.\d\d) steps\/s on this machine \((.+), wasm backend\)/.exec(
        result.stdout,
      );
    expect(done, result.stdout).not.toBeNull();
    const [, steps, seconds, speed, machine] = done!;
    expect(Number(steps)).toBeGreaterThan(0);
    // The printed speed is the printed steps over the printed seconds (rounded to 0.1 s).
    expect(Number(speed)).toBeCloseTo(Number(steps) / Number(seconds), 0);
    expect(machine).toMatch(/, \d+ cores?$/);
    expect(existsSync(join(out, 'latest.gfckpt'))).toBe(true);
  });
});
