import { describe, expect, it } from 'vitest';

import { mergeRuns } from './bench-runs.ts';

describe('mergeRuns', () => {
  it('replaces the stored run of the same machine and backend and puts the new runs first', () => {
    const stored = [
      { machine: 'A x2', backend: 'wasm', date: '2026-11-01' },
      { machine: 'A x2', backend: 'webgpu', date: '2026-11-01' },
      { machine: 'B x8', backend: 'wasm', date: '2026-11-02' },
    ];
    const incoming = [{ machine: 'A x2', backend: 'wasm', date: '2026-11-29' }];
    expect(mergeRuns(stored, incoming)).toEqual([
      { machine: 'A x2', backend: 'wasm', date: '2026-11-29' },
      { machine: 'A x2', backend: 'webgpu', date: '2026-11-01' },
      { machine: 'B x8', backend: 'wasm', date: '2026-11-02' },
    ]);
  });
});
