import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError, InvalidArgumentError } from '@ganforge/core';

import type { BrowserBackendName } from './browser-backend-names.js';
import { browserWasmAdapter, isWasmThreadStartFailure } from './browser-wasm-adapter.js';
import { browserCpuAdapter } from './cpu-adapter.js';
import { webglAdapter } from './webgl-adapter.js';
import { browserWebGpuAdapter } from './webgpu-adapter.js';

export interface UseBrowserBackendOptions {
  /** Force one backend instead of the fastest available. */
  readonly backend?: BrowserBackendName;
  /**
   * Where the page fetches tfjs-backend-wasm's `.wasm` files: a folder URL ending in '/' that serves
   * `@tensorflow/tfjs-backend-wasm/dist/*.wasm`, or a map from each file name to its URL (what a
   * bundler's asset imports give, e.g. Vite's `?url`). Without it tfjs looks next to the page or
   * worker script; if WASM is then chosen and its files are not there, useBackend throws.
   */
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
    browserWasmAdapter({ wasmPaths: options.wasmPaths }),
    browserCpuAdapter,
  ];
}

/**
 * Activates the fastest tfjs backend this browser (page or worker) offers: WebGPU > WebGL > WASM
 * (with GANForge's training kernels) > CPU, or the one asked for. Forcing one that cannot start
 * throws a `BackendUnavailableError` that says why; it never falls back silently. A GPU backend
 * that cannot start gives way to the next one; WASM that is supported but cannot start (its `.wasm`
 * files were not found: see `wasmPaths`) throws instead of dropping to the plain-JavaScript `cpu`
 * backend, which trains far slower. WASM computes on tfjs's threaded build (half of
 * `navigator.hardwareConcurrency` threads) where the page is cross-origin isolated (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`); on one
 * thread, `device` says why.
 *
 * @throws BackendUnavailableError (code `BACKEND_UNAVAILABLE`, `backend: 'wasm'`) naming where the
 *   `.wasm` files were looked for and what to pass, or naming the error of a WASM thread that failed
 *   to start; `InvalidArgumentError` for an unknown `backend`.
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
    info = await startAdapter(adapter, options.wasmPaths);
  } else {
    const reasons: string[] = [];
    for (const adapter of adapters) {
      if (!(await adapter.isAvailable())) continue;
      try {
        info = await startAdapter(adapter, options.wasmPaths);
        break;
      } catch (error) {
        if (adapter.name === 'wasm') throw error;
        reasons.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (!info) throw new BackendUnavailableError('any', `no backend could start. ${reasons.join(' ')}`);
  }
  log?.(`[ganforge] backend: ${info.name} (${info.device})`);
  return info;
}

async function startAdapter(
  adapter: BackendAdapter,
  wasmPaths: UseBrowserBackendOptions['wasmPaths'],
): Promise<BackendInfo> {
  try {
    return await adapter.init();
  } catch (error) {
    if (adapter.name !== 'wasm' || isWasmThreadStartFailure(error)) throw error;
    const where =
      wasmPaths === undefined
        ? `next to the page or worker script${scriptFolder()}, as no wasmPaths was given`
        : typeof wasmPaths === 'string'
          ? `in ${wasmPaths}`
          : `at ${Object.values(wasmPaths).join(', ')}`;
    throw new BackendUnavailableError(
      'wasm',
      `WebAssembly is supported but tfjs-backend-wasm could not start; it looked for its .wasm files ${where}. ` +
        `Serve @tensorflow/tfjs-backend-wasm/dist/*.wasm and pass their folder URL (or a map from file name to URL, ` +
        `as bundler asset imports give) as wasmPaths, or pass backend: 'cpu' to train on plain JavaScript (far slower). ` +
        `(${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** ` (https://host/folder/)`: where tfjs-backend-wasm looks by default, the page's or worker's folder. */
function scriptFolder(): string {
  const location = (globalThis as { location?: { href: string } }).location;
  return location ? ` (${new URL('.', location.href).href})` : '';
}
