import { wasmAdapter } from '@ganforge/backend-wasm';
import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError, InvalidArgumentError } from '@ganforge/core';

import type { BrowserBackendName } from './browser-backend-names.js';
import { browserCpuAdapter } from './cpu-adapter.js';
import { webglAdapter } from './webgl-adapter.js';
import { browserWebGpuAdapter } from './webgpu-adapter.js';

export interface UseBrowserBackendOptions {
  /** Force one backend instead of the fastest available. */
  readonly backend?: BrowserBackendName;
  /** Folder URL (ending in '/') serving tfjs-backend-wasm's .wasm files, for the WASM backend. */
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  /** Where to report the chosen backend; `false` for silence. Default: console.info. */
  readonly log?: ((message: string) => void) | false;
  /** The adapters to choose from, fastest first. */
  readonly adapters?: readonly BackendAdapter[];
}

export function defaultBrowserAdapters(
  options: { wasmPaths?: string | Readonly<Record<string, string>>; allowSoftwareWebGl?: boolean } = {},
): BackendAdapter[] {
  return [
    browserWebGpuAdapter,
    webglAdapter({ allowSoftware: options.allowSoftwareWebGl }),
    wasmAdapter({ wasmPaths: options.wasmPaths }),
    browserCpuAdapter,
  ];
}

/**
 * Activates the fastest tfjs backend this browser (page or worker) offers: WebGPU > WebGL > WASM
 * (with GANForge's training kernels) > CPU, or the one asked for. Forcing one that cannot start
 * throws a `BackendUnavailableError` that says why; it never falls back silently.
 *
 * @example
 * ```ts
 * import { useBackend } from '@ganforge/backend-browser';
 * const backend = await useBackend({ wasmPaths: '/tfjs-wasm/' }); // { name: 'webgl', device: 'WebGL 2', ... }
 * ```
 */
export async function useBackend(options: UseBrowserBackendOptions = {}): Promise<BackendInfo> {
  // Asking for WebGL by name accepts a software rasterizer; choosing by itself, useBackend does not.
  const adapters =
    options.adapters ??
    defaultBrowserAdapters({ wasmPaths: options.wasmPaths, allowSoftwareWebGl: options.backend === 'webgl' });
  const log = options.log === false ? undefined : (options.log ?? ((message: string) => console.info(message)));
  let info: BackendInfo | undefined;
  if (options.backend !== undefined) {
    const adapter = adapters.find((candidate) => candidate.name === options.backend);
    if (!adapter)
      throw new InvalidArgumentError(
        'options.backend',
        `one of ${adapters.map((a) => a.name).join(', ')}`,
        options.backend,
      );
    info = await adapter.init();
  } else {
    const reasons: string[] = [];
    for (const adapter of adapters) {
      if (!(await adapter.isAvailable())) continue;
      try {
        info = await adapter.init();
        break;
      } catch (error) {
        reasons.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (!info) throw new BackendUnavailableError('any', `no backend could start. ${reasons.join(' ')}`);
  }
  log?.(`[ganforge] backend: ${info.name} (${info.device})`);
  return info;
}
