import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { isProcessRunning } from './is-process-running.js';

/**
 * Removes `<path>.<pid>.tmp`, the temporary files that `writeImage` and `saveTextEncoder` wrote
 * before they used `writeFileAtomically` (GANForge 0.x), when the process `<pid>` no longer runs: an
 * interrupted write left them, beside the user's own files. Called before writing `path` again.
 * Returns the names removed; never throws (a folder that cannot be read has nothing to clean).
 */
export async function removeLegacyTemporaries(path: string): Promise<string[]> {
  const folder = dirname(path);
  const prefix = `${basename(path)}.`;
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const pid = entry.slice(prefix.length, -'.tmp'.length);
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid || isProcessRunning(Number(pid))) continue;
    await rm(join(folder, entry), { force: true }).catch(() => undefined);
    removed.push(entry);
  }
  return removed;
}
