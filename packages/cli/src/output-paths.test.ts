import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { assertWritableOutputFile, createOutputFolders, prepareRunFolder } from './output-paths.js';

const root = mkdtempSync(join(tmpdir(), 'ganforge-output-paths-'));

describe('output paths', () => {
  it('refuses to replace an existing file unless --overwrite, and a folder or FIFO in any case', async () => {
    const existing = join(root, 'grid.png');
    writeFileSync(existing, 'a picture the user keeps');
    await expect(assertWritableOutputFile('--out', existing, { overwrite: false })).rejects.toThrow(
      `--out: expected a file that does not exist yet, received "${existing}", an existing file. Pass --overwrite to replace it, or choose another name.`,
    );
    await expect(assertWritableOutputFile('--out', existing, { overwrite: true })).resolves.toBeUndefined();
    const folder = join(root, 'a-folder.png');
    mkdirSync(folder);
    await expect(assertWritableOutputFile('--out', folder, { overwrite: true })).rejects.toThrow(
      /^--out: expected a file name \(e.g. grid.png\), not a folder, received ".*a-folder.png", an existing folder\.$/,
    );
    const fifo = join(root, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    await expect(assertWritableOutputFile('--out', fifo, { overwrite: true })).rejects.toThrow(
      /^--out: expected a regular file, received ".*pipe.png", a FIFO \(named pipe\)\.$/,
    );
  });

  it('names a file on the way as what stops the path, and creates missing folders one level at a time', async () => {
    const file = join(root, 'file');
    writeFileSync(file, '');
    for (const path of [join(file, 'grid.png'), join(file, 'deeper', 'grid.png')]) {
      await expect(assertWritableOutputFile('<out>', path, { overwrite: false })).rejects.toThrow(
        `<out>: expected a path whose folders are folders, received a path through "${file}", which is a file.`,
      );
    }
    const nested = join(root, 'new', 'deeper', 'grid.png');
    await assertWritableOutputFile('--out', nested, { overwrite: false });
    await createOutputFolders('--out', nested);
    expect(statSync(join(root, 'new', 'deeper')).isDirectory()).toBe(true);
  });

  it('fails at once with one typed error where a folder cannot be created (Node’s recursive mkdir loops under /proc)', async () => {
    await expect(createOutputFolders('--out', '/proc/ganforge-no-such-folder/grid.png')).rejects.toMatchObject({
      code: 'FILE_SYSTEM',
      message: '--out: cannot create the folder "/proc/ganforge-no-such-folder": it does not exist (ENOENT).',
    });
  });

  it('keeps an existing run folder, creates a new one and refuses a file in its place', async () => {
    await prepareRunFolder('--out', join(root, 'runs', 'a'));
    expect(statSync(join(root, 'runs', 'a')).isDirectory()).toBe(true);
    await prepareRunFolder('--out', join(root, 'runs', 'a'));
    await expect(prepareRunFolder('--out', join(root, 'grid.png'))).rejects.toThrow(
      /^--out: expected a run folder \(a new or existing folder\), received ".*grid.png", a file\.$/,
    );
  });
});
