import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The repository's root folder (absolute, ending in '/'). */
export const repositoryRoot = new URL('../../../../', import.meta.url).pathname;

/** The built CLI (`pnpm test` builds it first). */
export const ganforgeBin = join(repositoryRoot, 'packages/cli/dist/bin.js');

/**
 * Runs the built `ganforge` CLI in Node from the repository root and returns its stdout; throws
 * (with its stderr) when it exits non-zero. The studio's tests make their runs and reference
 * pictures with it: Node's own path, independent of the page.
 */
export function ganforge(...args: string[]): string {
  return execFileSync(process.execPath, [ganforgeBin, ...args], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
}
