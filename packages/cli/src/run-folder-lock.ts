import { lockRunFolder } from '@ganforge/core/node';

import { prepareRunFolder } from './output-paths.js';

/**
 * Runs `work` (a `ganforge train ...` run) holding the lock of its run folder `--out` from before
 * the folder's checkpoint is read until the last file is written, so a second process training
 * into the same folder stops at once with one line naming the holder (RunFolderLockedError) instead
 * of interleaving checkpoints. The folder is checked and created first (see prepareRunFolder). The
 * lock is released when `work` ends, also by an error or a first Ctrl+C (training stops, then this
 * returns); a second Ctrl+C exits at once and proper-lockfile's exit handler removes the lock.
 */
export async function holdingRunFolder<T>(folder: string, work: () => Promise<T>): Promise<T> {
  await prepareRunFolder('--out', folder);
  const release = await lockRunFolder(folder);
  try {
    return await work();
  } finally {
    await release();
  }
}
