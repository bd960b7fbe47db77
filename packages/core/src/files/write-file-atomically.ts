import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { isProcessRunning } from './is-process-running.js';

/**
 * Writes `data` to `path` so that a reader sees either the old file or the whole new one, also after
 * a crash or power loss: the bytes go to a temporary file beside `path`, which is flushed to disk
 * (fsync) and then renamed over `path`; the folder is flushed too, so the rename itself is durable.
 *
 * Temporary files are named `.<file name>.<pid>-<random>.tmp`. Those left behind by an interrupted
 * write (whose process is gone) are removed on the next write of the same file, so crashes leave no
 * debris that grows. One process writes a given file at a time (run folders are locked).
 *
 * Creates missing parent folders. Throws Node's own file-system errors (ENOSPC, EACCES, ...); callers
 * wrap them in their typed error. On failure `path` is untouched and the temporary file removed.
 *
 * @example
 * ```ts
 * import { writeFileAtomically } from '@ganforge/core/node';
 * await writeFileAtomically('runs/mnist/metrics.json', JSON.stringify({ parzen: 225 }));
 * ```
 */
export async function writeFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  await removeStaleTemporaries(folder, basename(path));
  const temporary = join(folder, `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  inFlight.add(temporary);
  try {
    await writeAndRename(temporary, path, data);
  } finally {
    inFlight.delete(temporary);
  }
  await syncFolder(folder);
}

// Temporary files this process is writing now; never stale.
const inFlight = new Set<string>();

async function writeAndRename(temporary: string, path: string, data: Uint8Array | string): Promise<void> {
  const file = await open(temporary, 'wx');
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Removes the temporary files an interrupted {@link writeFileAtomically} of `fileName` left in
 * `folder`: those whose writing process no longer runs on this machine. Returns the names removed.
 */
export async function removeStaleTemporaries(folder: string, fileName: string): Promise<string[]> {
  const prefix = `.${fileName}.`;
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const match = /^(\d+)-[0-9a-f]{12}$/.exec(entry.slice(prefix.length, -'.tmp'.length));
    const temporary = join(folder, entry);
    // Our own pid: not in flight, so left by an earlier failed write of this process.
    const writer = Number(match?.[1]);
    if (!match || inFlight.has(temporary) || (writer !== process.pid && isProcessRunning(writer))) continue;
    await rm(temporary, { force: true });
    removed.push(entry);
  }
  return removed;
}

// Makes the rename durable; some platforms (Windows) cannot open folders, which is fine.
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort.
  }
}
