/** What decides how many threads tfjs-backend-wasm starts in a page or worker. */
export interface WasmThreadingEnvironment {
  /** `globalThis.crossOriginIsolated`: only then does the browser offer SharedArrayBuffer to threads. */
  readonly crossOriginIsolated: boolean;
  /** tfjs's flag `WASM_HAS_MULTITHREAD_SUPPORT` (SharedArrayBuffer and WebAssembly threads both work). */
  readonly threadsSupported: boolean;
  /** tfjs's flag `WASM_HAS_SIMD_SUPPORT`: tfjs ships its threaded build with SIMD only. */
  readonly simdSupported: boolean;
  /** `navigator.hardwareConcurrency` (logical cores). */
  readonly logicalCores: number;
}

/** The headers that make a page cross-origin isolated, which tfjs-backend-wasm's threads need. */
export const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * Why tfjs-backend-wasm runs on one thread here, in words a user can act on; `undefined` when
 * nothing in the environment limits it (more than one thread is possible).
 *
 * tfjs-backend-wasm 4.22 loads its threaded build only when SIMD and threads are both supported,
 * and then starts `hardwareConcurrency / 2` threads (at least 1, at most 8), assuming two logical
 * cores per physical one (tfjs-backend-wasm/src/cc/backend.cc, `init_with_threads_count`).
 */
export function wasmSingleThreadReason(environment: WasmThreadingEnvironment): string | undefined {
  if (!environment.crossOriginIsolated) {
    const headers = Object.entries(crossOriginIsolationHeaders)
      .map(([name, value]) => `${name}: ${value}`)
      .join(' and ');
    return `not cross-origin isolated: serve the page (and its workers' scripts) with ${headers} to use threads`;
  }
  if (!environment.threadsSupported) return "this browser's WebAssembly has no threads (SharedArrayBuffer)";
  if (!environment.simdSupported)
    return "tfjs's threaded WebAssembly build needs WebAssembly SIMD, which this browser lacks";
  if (environment.logicalCores < 4) {
    return `tfjs-backend-wasm uses half of the logical cores, and this device reports ${environment.logicalCores}`;
  }
  return undefined;
}
