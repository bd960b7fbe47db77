import { availableParallelism } from 'node:os';

import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError, InvalidArgumentError } from '@ganforge/core';

import { type NodeBackendName, nodeBackendNames } from './backend-names.js';
import { cpuAdapter } from './cpu-adapter.js';
import { dawnWebGpuAdapter } from './dawn-webgpu-adapter.js';
import { nodeWasmAdapter } from './node-wasm-adapter.js';
import type { ExplainedBackendAdapter, UnavailableReason } from './explained-backend-adapter.js';
import { tensorflowCpuAdapter, tensorflowGpuAdapter } from './tensorflow-adapters.js';

export interface UseBackendOptions {
  /** Force one backend; also read from the GANFORGE_BACKEND environment variable. */
  readonly backend?: NodeBackendName;
  /**
   * Where to report the chosen backend, in one line: which backend runs, why (forced, or why each
   * faster one was skipped) and, when a faster one would work here once installed, its install
   * command. `false` for silence. Default: console.error (keeps stdout clean).
   */
  readonly log?: ((message: string) => void) | false;
  /**
   * Threads for the wasm backend, an integer from 1 to 8; also read from the GANFORGE_THREADS
   * environment variable. Default: every physical core, at most 8. The other backends choose their
   * own threads (libtensorflow, GPUs) or have one (cpu); the report line says when it went unused.
   */
  readonly threads?: number;
  /** The adapters to choose from, fastest first (for tests and custom set-ups). */
  readonly adapters?: readonly BackendAdapter[];
}

/** The default adapters, fastest first. */
export function defaultNodeAdapters(
  options: { allowSoftwareWebGpu?: boolean; threads?: number } = {},
): BackendAdapter[] {
  return [
    tensorflowGpuAdapter(),
    tensorflowCpuAdapter(),
    dawnWebGpuAdapter({ allowSoftware: options.allowSoftwareWebGpu }),
    nodeWasmAdapter({ threads: options.threads }),
    cpuAdapter,
  ];
}

/**
 * Activates the fastest tfjs backend that works here, or the one asked for, and says which in one
 * line, e.g. `[ganforge] backend: wasm (WebAssembly SIMD, 2 threads) — skipped tensorflow-gpu: not
 * installed; tensorflow: not installed; webgpu: no Vulkan loader (libvulkan.so.1) — for native CPU
 * speed: npm install @tensorflow/tfjs-node`. Faster backends are only probed: probing prints nothing.
 * Forcing a backend that is unavailable throws {@link BackendUnavailableError} with the reason and
 * the install command; it never falls back silently.
 *
 * @example
 * ```ts
 * import { useBackend } from '@ganforge/backend-node';
 * const backend = await useBackend(); // e.g. { name: 'wasm', device: 'WebAssembly SIMD, 2 threads', isGpu: false, threads: 2 }
 * ```
 */
export async function useBackend(options: UseBackendOptions = {}): Promise<BackendInfo> {
  const fromEnvironment = process.env['GANFORGE_BACKEND'] || undefined;
  const requested = options.backend ?? fromEnvironment;
  // Asking for WebGPU by name accepts a software adapter; choosing by itself, useBackend does not.
  const adapters =
    options.adapters ?? defaultNodeAdapters({ allowSoftwareWebGpu: requested === 'webgpu', threads: options.threads });
  const log = options.log === false ? undefined : (options.log ?? ((message: string) => console.error(message)));
  const unusedThreads = (info: BackendInfo) => {
    const asked = options.threads ?? (process.env['GANFORGE_THREADS'] || undefined);
    if (asked === undefined || info.name === 'wasm') return '';
    const source = options.threads !== undefined ? 'options.threads' : 'GANFORGE_THREADS';
    return ` — ${source}=${asked} not used: only the wasm backend takes a thread count`;
  };

  if (requested !== undefined) {
    const source = options.backend !== undefined ? 'options.backend' : 'GANFORGE_BACKEND';
    const adapter = adapters.find((candidate) => candidate.name === requested);
    if (!adapter) {
      throw new InvalidArgumentError(source, `one of ${adapters.map((a) => a.name).join(', ')}`, requested);
    }
    const info = await adapter.init();
    log?.(
      `${backendLine(info)} — as requested (${source === 'options.backend' ? source : `${source}=${requested}`})${unusedThreads(info)}${oversubscribedNote(info, availableParallelism())}`,
    );
    return info;
  }
  const { info, skipped } = await firstAvailable(adapters);
  log?.(skippedLine(info, skipped) + unusedThreads(info) + oversubscribedNote(info, availableParallelism()));
  return info;
}

interface SkippedAdapter extends UnavailableReason {
  readonly name: string;
}

/**
 * The note for a wasm backend with more threads than the process has logical CPUs: XNNPACK's
 * threads then wait for each other, and a step gets slower, not faster. Empty otherwise.
 */
export function oversubscribedNote(info: BackendInfo, logicalCpus: number): string {
  if (info.name !== 'wasm' || info.threads <= logicalCpus) return '';
  return ` — ${info.threads} threads on ${logicalCpus} logical CPU${logicalCpus === 1 ? '' : 's'}: expect it slower than ${logicalCpus}`;
}

const backendLine = (info: BackendInfo) => `[ganforge] backend: ${info.name} (${info.device})`;

/** The one line for a backend chosen by itself: what was skipped and why, and the first remedy. */
function skippedLine(info: BackendInfo, skipped: readonly SkippedAdapter[]): string {
  if (skipped.length === 0) return `${backendLine(info)} — the fastest backend there is`;
  const reasons = skipped.map(({ name, reason }) => `${name}: ${reason}`).join('; ');
  const remedy = skipped.find((adapter) => adapter.remedy !== undefined)?.remedy;
  return `${backendLine(info)} — skipped ${reasons}${remedy ? ` — ${remedy}` : ''}`;
}

const isExplained = (adapter: BackendAdapter): adapter is ExplainedBackendAdapter =>
  typeof (adapter as Partial<ExplainedBackendAdapter>).unavailableReason === 'function';

async function reasonFor(adapter: BackendAdapter): Promise<UnavailableReason> {
  return (isExplained(adapter) ? await adapter.unavailableReason() : undefined) ?? { reason: 'not available' };
}

async function firstAvailable(
  adapters: readonly BackendAdapter[],
): Promise<{ info: BackendInfo; skipped: SkippedAdapter[] }> {
  const skipped: SkippedAdapter[] = [];
  const failures: string[] = [];
  for (const adapter of adapters) {
    if (!(await adapter.isAvailable())) {
      skipped.push({ name: adapter.name, ...(await reasonFor(adapter)) });
      continue;
    }
    try {
      return { info: await adapter.init(), skipped };
    } catch (error) {
      // A wrong setting (e.g. the thread count) is the user's to fix, not a reason to fall back.
      if (error instanceof InvalidArgumentError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      failures.push(message);
      skipped.push({ name: adapter.name, reason: `failed to start (${message})` });
    }
  }
  throw new BackendUnavailableError('any', `no backend could start. ${failures.join(' ')}`);
}

export { type NodeBackendName, nodeBackendNames };
