// What a benchmark run measures on: the tfjs backend (started with the thread count asked for), the
// machine and the commit. Shared by `pnpm bench` and `pnpm bench --profile`.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

import { useBackend } from '@ganforge/backend-node';
import type { BackendInfo } from '@ganforge/core';

/**
 * Activates `backend` through `useBackend`. `threads` (when given) is passed both as the option and
 * as GANFORGE_THREADS, so it reaches the wasm backend whichever of the two this version reads; the
 * thread count the backend really runs is the one in the returned BackendInfo.
 */
export async function startBenchBackend(backend: string, threads: number | undefined): Promise<BackendInfo> {
  if (threads !== undefined) process.env['GANFORGE_THREADS'] = String(threads);
  // Not a literal, so that a useBackend without a `threads` option still type-checks.
  const options = { backend: backend as never, ...(threads !== undefined ? { threads } : {}) };
  return useBackend(options);
}

/** `Intel(R) Xeon(R) CPU @ 2.20GHz x2`: the CPU model and its logical core count. */
export function machineName(): string {
  return `${cpus()[0]?.model.trim() ?? 'unknown CPU'} x${cpus().length}`;
}

/** The commit measured, marked when the working tree has uncommitted changes to tracked files. */
export function commitName(root: string): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: root,
      encoding: 'utf8',
    });
    return dirty.trim() ? `${commit} + uncommitted changes` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
