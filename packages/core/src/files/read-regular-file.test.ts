import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeFifo } from '../../../../test-support/special-files.js';
import { FileNotFoundError, InvalidFileError, SizeLimitError, UnsafePathError } from '../errors.js';
import { readRegularFile, regularFileSize } from './read-regular-file.js';

const folder = () => mkdtempSync(join(tmpdir(), 'ganforge-regular-'));

describe('readRegularFile', () => {
  it('reads a whole file, into a given array when asked', async () => {
    const path = join(folder(), 'a.bin');
    writeFileSync(path, new Uint8Array([1, 2, 3]));
    expect(Array.from(await readRegularFile(path))).toEqual([1, 2, 3]);
    const target = new Uint8Array(5);
    await readRegularFile(path, { into: target.subarray(1, 4) });
    expect(Array.from(target)).toEqual([0, 1, 2, 3, 0]);
    expect(await regularFileSize(path)).toBe(3);
  });

  it('refuses a FIFO without blocking on it, a folder and a symbolic link', async () => {
    const base = folder();
    makeFifo(join(base, 'pipe'));
    await expect(readRegularFile(join(base, 'pipe'), { what: 'model.json' })).rejects.toThrow(
      /model\.json is a FIFO \(named pipe\), which would block a reader, not a regular file/,
    );
    await expect(readRegularFile(base)).rejects.toBeInstanceOf(UnsafePathError);
    writeFileSync(join(base, 'target'), 'x');
    symlinkSync(join(base, 'target'), join(base, 'link'));
    await expect(readRegularFile(join(base, 'link'))).rejects.toThrow(/is a symbolic link/);
  });

  it('refuses a file over maxBytes, naming the option, before reading it', async () => {
    const path = join(folder(), 'big.bin');
    writeFileSync(path, new Uint8Array(10));
    const attempt = readRegularFile(path, { maxBytes: 9, limitOption: 'the maxThing option' });
    await expect(attempt).rejects.toBeInstanceOf(SizeLimitError);
    await expect(attempt).rejects.toThrow(/expected at most 9 bytes, received 10 bytes.*the maxThing option/);
  });

  it('refuses a file whose size is not the target array length, and a missing file', async () => {
    const path = join(folder(), 'a.bin');
    writeFileSync(path, new Uint8Array(4));
    await expect(readRegularFile(path, { into: new Uint8Array(5) })).rejects.toBeInstanceOf(InvalidFileError);
    await expect(readRegularFile(join(folder(), 'none'))).rejects.toBeInstanceOf(FileNotFoundError);
  });
});
