// What a benchmark run measures on: the tfjs backend (started with the thread count asked for), the
// machine and the commit. Shared by `pnpm bench` and `pnpm bench --profile`.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { maxWasmThreads, useBackend } from '@ganforge/backend-node';
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

/**
 * `parseArgs` for the bench scripts: `--help` prints `usage` and exits 0; an unknown option or a
 * missing value prints one line and the usage and exits 2 (no stack trace).
 */
export function parseBenchArguments<T extends ParseArgsConfig>(
  tool: string,
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  if (process.argv.slice(2).some((argument) => argument === '--help' || argument === '-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (error) {
    console.error(`[${tool}] ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    process.exit(2);
  }
}

/** A --steps / --warmup style count: an integer >= `minimum` (exits 2 with one line otherwise). */
export function countArgument(
  tool: string,
  name: string,
  text: string | undefined,
  minimum: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    console.error(`[${tool}] --${name} must be an integer >= ${minimum}, got ${JSON.stringify(text)}.`);
    process.exit(2);
  }
  return value;
}

/** The --threads value: an integer from 1 to 8, as the wasm backend takes (exits 2 with one line otherwise). */
export function threadsArgument(tool: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > maxWasmThreads) {
    console.error(
      `[${tool}] --threads: expected an integer from 1 to ${maxWasmThreads}, received ${JSON.stringify(text)}.`,
    );
    process.exit(2);
  }
  return value;
}

/**
 * Warns (one line) when other work keeps the CPUs busy: figures taken then are noisy and can be
 * uneven across columns (PyTorch's OpenMP threads suffer most from a busy machine). Returns the
 * 1-minute load average for the record.
 */
export function warnIfBusy(tool: string): number {
  const [load = 0] = loadavg();
  if (load > 0.5) {
    console.error(
      `[${tool}] load average ${load.toFixed(2)} on ${cpus().length} logical CPUs before timing: other work is running; figures will be noisy and may be uneven across columns.`,
    );
  }
  return load;
}
