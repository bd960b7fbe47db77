import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { writeFileAtomically } from './write-file-atomically.js';

// A pid that is certainly not running: a child that has exited (and been reaped by spawnSync).
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('writeFileAtomically', () => {
  it('creates missing folders and replaces the old contents whole', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-atomic-'));
    const path = join(folder, 'a', 'b', 'metrics.json');
    await writeFileAtomically(path, '{"old":1}');
    await writeFileAtomically(path, new TextEncoder().encode('{"new":2}'));
    expect(await readFile(path, 'utf8')).toBe('{"new":2}');
    expect(await readdir(join(folder, 'a', 'b'))).toEqual(['metrics.json']);
  });

  it("removes the temporary files of interrupted writes on the next write, not a running writer's", async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-atomic-'));
    const path = join(folder, 'latest.gfckpt');
    const stale = `.latest.gfckpt.${deadPid()}-0123456789ab.tmp`;
    const live = `.latest.gfckpt.${process.ppid}-0123456789ab.tmp`; // the parent process runs
    const otherFile = `.other.gfckpt.${deadPid()}-0123456789ab.tmp`; // another file's: not ours to judge now
    for (const name of [stale, live, otherFile]) await writeFile(join(folder, name), 'partial');
    await writeFileAtomically(path, 'whole');
    expect((await readdir(folder)).sort()).toEqual([live, otherFile, 'latest.gfckpt'].sort());
  });

  it('leaves the old file and no temporary file when the write fails', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-atomic-'));
    const path = join(folder, 'model.json');
    await writeFileAtomically(path, 'old');
    // A number is not data: FileHandle.writeFile throws ERR_INVALID_ARG_TYPE after the temporary file exists.
    await expect(writeFileAtomically(path, 42 as unknown as string)).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(folder)).toEqual(['model.json']);
  });

  it('keeps concurrent writes of one file in one process apart', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-atomic-'));
    const path = join(folder, 'weights.bin');
    const payloads = Array.from({ length: 8 }, (_, index) => new Uint8Array(1 << 16).fill(index));
    await Promise.all(payloads.map((payload) => writeFileAtomically(path, payload)));
    const written = new Uint8Array(await readFile(path));
    expect(written.length).toBe(1 << 16);
    expect(new Set(written).size).toBe(1); // one whole payload, never a mix
    expect(await readdir(folder)).toEqual(['weights.bin']);
  });
});
