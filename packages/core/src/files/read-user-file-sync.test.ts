import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeFifo } from '../../../../test-support/special-files.js';
import { FileNotFoundError, SizeLimitError, UnsafePathError } from '../errors.js';
import { readUserFileSync } from './read-user-file-sync.js';

const folder = () => mkdtempSync(join(tmpdir(), 'ganforge-user-sync-'));
const naming = { argument: 'options.path', expected: 'an existing IDX file', what: 'IDX file' } as const;

describe('readUserFileSync', () => {
  it('reads a whole file, following a symbolic link the user chose', () => {
    const base = folder();
    writeFileSync(join(base, 'target'), new Uint8Array([7, 8, 9]));
    symlinkSync(join(base, 'target'), join(base, 'link'));
    expect(Array.from(readUserFileSync(join(base, 'link'), naming))).toEqual([7, 8, 9]);
  });

  it('refuses a FIFO without blocking on it, and a folder', () => {
    const base = folder();
    makeFifo(join(base, 'pipe'));
    expect(() => readUserFileSync(join(base, 'pipe'), naming)).toThrow(
      /pipe: refused: IDX file is a FIFO \(named pipe\), which would block a reader, not a regular file\.$/,
    );
    expect(() => readUserFileSync(base, naming)).toThrow(UnsafePathError);
  });

  it('refuses a file over maxBytes naming the option, and names the argument of a missing file', () => {
    const base = folder();
    writeFileSync(join(base, 'big'), new Uint8Array(10));
    expect(() =>
      readUserFileSync(join(base, 'big'), { ...naming, maxBytes: 9, limitOption: 'options.maxFileBytes' }),
    ).toThrow(SizeLimitError);
    expect(() =>
      readUserFileSync(join(base, 'big'), { ...naming, maxBytes: 9, limitOption: 'options.maxFileBytes' }),
    ).toThrow(
      /expected at most 9 bytes, received 10 bytes\. If you trust this input, raise the limit with options\.maxFileBytes\.$/,
    );
    const missing = join(base, 'missing');
    expect(() => readUserFileSync(missing, naming)).toThrow(FileNotFoundError);
    expect(() => readUserFileSync(missing, naming)).toThrow(
      `options.path: expected an existing IDX file, received ${JSON.stringify(missing)}, which does not exist.`,
    );
  });
});
