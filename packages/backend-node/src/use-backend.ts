import { wasmAdapter } from '@ganforge/backend-wasm';
import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError, InvalidArgumentError } from '@ganforge/core';

import { type NodeBackendName, nodeBackendNames } from './backend-names.js';
import { cpuAdapter } from './cpu-adapter.js';
import { dawnWebGpuAdapter } from './dawn-webgpu-adapter.js';
import { tensorflowCpuAdapter, tensorflowGpuAdapter } from './tensorflow-adapters.js';

export interface UseBackendOptions {
  /** Force one backend; also read from the GANFORGE_BACKEND environment variable. */
  readonly backend?: NodeBackendName;
  /** Where to report the chosen backend; `false` for silence. Default: console.error (keeps stdout clean). */
  readonly log?: ((message: string) => void) | false;
  /** The adapters to choose from, fastest first (for tests and custom set-ups). */
  readonly adapters?: readonly BackendAdapter[];
}

/** The default adapters, fastest first. */
export function defaultNodeAdapters(options: { allowSoftwareWebGpu?: boolean } = {}): BackendAdapter[] {
  return [
    tensorflowGpuAdapter(),
    tensorflowCpuAdapter(),
    dawnWebGpuAdapter({ allowSoftware: options.allowSoftwareWebGpu }),
    wasmAdapter(),
    cpuAdapter,
  ];
}

/**
 * Activates the fastest tfjs backend that works here, or the one asked for, and says which.
 * Forcing a backend that is unavailable throws {@link BackendUnavailableError} with the reason and
 * the install command; it never falls back silently.
 *
 * @example
 * ```ts
 * import { useBackend } from '@ganforge/backend-node';
 * const backend = await useBackend(); // e.g. { name: 'wasm', device: 'WebAssembly SIMD, 1 thread', isGpu: false, threads: 1 }
 * ```
 */
export async function useBackend(options: UseBackendOptions = {}): Promise<BackendInfo> {
  const fromEnvironment = process.env['GANFORGE_BACKEND'] || undefined;
  const requested = options.backend ?? fromEnvironment;
  // Asking for WebGPU by name accepts a software adapter; choosing by itself, useBackend does not.
  const adapters = options.adapters ?? defaultNodeAdapters({ allowSoftwareWebGpu: requested === 'webgpu' });
  const log = options.log === false ? undefined : (options.log ?? ((message: string) => console.error(message)));

  let info: BackendInfo;
  if (requested !== undefined) {
    const source = options.backend !== undefined ? 'options.backend' : 'GANFORGE_BACKEND';
    const adapter = adapters.find((candidate) => candidate.name === requested);
    if (!adapter) {
      throw new InvalidArgumentError(source, `one of ${adapters.map((a) => a.name).join(', ')}`, requested);
    }
    info = await adapter.init();
  } else {
    info = await firstAvailable(adapters);
  }
  log?.(`[ganforge] backend: ${info.name} (${info.device})`);
  return info;
}

async function firstAvailable(adapters: readonly BackendAdapter[]): Promise<BackendInfo> {
  const reasons: string[] = [];
  for (const adapter of adapters) {
    if (!(await adapter.isAvailable())) continue;
    try {
      return await adapter.init();
    } catch (error) {
      reasons.push(error instanceof Error ? error.message : String(error));
    }
  }
  throw new BackendUnavailableError('any', `no backend could start. ${reasons.join(' ')}`);
}

export { type NodeBackendName, nodeBackendNames };
