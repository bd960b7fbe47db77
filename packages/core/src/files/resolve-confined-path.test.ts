import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { FileNotFoundError, UnsafePathError } from '../errors.js';
import { resolveConfinedPath } from './resolve-confined-path.js';

/** root/folder/inside.bin, root/folder/sub/deep.bin and root/outside.bin. */
function folders() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ganforge-confined-')));
  const folder = join(root, 'folder');
  mkdirSync(join(folder, 'sub'), { recursive: true });
  writeFileSync(join(folder, 'inside.bin'), 'in');
  writeFileSync(join(folder, 'sub', 'deep.bin'), 'deep');
  writeFileSync(join(root, 'outside.bin'), 'out');
  return { root, folder };
}

describe('resolveConfinedPath', () => {
  it('returns the real path of files inside the folder, also through links that stay inside', async () => {
    const { root, folder } = folders();
    expect(await resolveConfinedPath(folder, 'inside.bin', 'w')).toBe(join(folder, 'inside.bin'));
    expect(await resolveConfinedPath(folder, './sub/deep.bin', 'w')).toBe(join(folder, 'sub', 'deep.bin'));
    symlinkSync('sub/deep.bin', join(folder, 'alias.bin'));
    expect(await resolveConfinedPath(folder, 'alias.bin', 'w')).toBe(join(folder, 'sub', 'deep.bin'));
    // The folder itself may be a link: its real path is the boundary.
    symlinkSync(folder, join(root, 'linked'));
    expect(await resolveConfinedPath(join(root, 'linked'), 'inside.bin', 'w')).toBe(join(folder, 'inside.bin'));
  });

  it.each([
    ['../outside.bin', /has a '\.\.' segment/],
    ['sub/../../outside.bin', /has a '\.\.' segment/],
    ['/etc/passwd', /is an absolute path/],
    ['file:///etc/passwd', /is a URL/],
    ['C:/Windows/win.ini', /is a URL or drive letter/],
    ['..\\outside.bin', /backslash/],
    ['', /is not a non-empty path/],
    ['inside.bin\0', /NUL byte/],
    ['.', /is its folder itself/],
  ])('refuses %j by its text', async (written, reason) => {
    const { folder } = folders();
    const attempt = resolveConfinedPath(folder, written, 'paths[0] of m.json');
    await expect(attempt).rejects.toBeInstanceOf(UnsafePathError);
    await expect(attempt).rejects.toThrow(reason);
  });

  it('refuses a value that is not a string', async () => {
    const { folder } = folders();
    await expect(resolveConfinedPath(folder, 7, 'paths[0]')).rejects.toThrow(
      /7: refused: paths\[0\] is not a non-empty path/,
    );
  });

  it('refuses links that lead outside, from the file or from a folder on the way', async () => {
    const { root, folder } = folders();
    symlinkSync(join(root, 'outside.bin'), join(folder, 'escape.bin'));
    symlinkSync(root, join(folder, 'up'));
    for (const written of ['escape.bin', 'up/outside.bin']) {
      await expect(resolveConfinedPath(folder, written, 'w')).rejects.toThrow(
        `leads through a symbolic link to ${join(root, 'outside.bin')}, outside its folder ${folder}`,
      );
    }
  });

  it('says which file is missing, and refuses a link cycle', async () => {
    const { folder } = folders();
    await expect(resolveConfinedPath(folder, 'missing.bin', 'w')).rejects.toBeInstanceOf(FileNotFoundError);
    symlinkSync('loop-b', join(folder, 'loop-a'));
    symlinkSync('loop-a', join(folder, 'loop-b'));
    await expect(resolveConfinedPath(folder, 'loop-a', 'w')).rejects.toBeInstanceOf(UnsafePathError);
  });
});
