import { wasmAdapter, type WasmAdapterOptions } from '@ganforge/backend-wasm';
import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import { wasmSingleThreadReason } from './wasm-single-thread-reason.js';

/**
 * `wasmAdapter` of `@ganforge/backend-wasm` (tfjs-backend-wasm with GANForge's training kernels) for
 * pages and workers: tfjs runs its threaded build where the page is cross-origin isolated, and when
 * it runs on one thread the `device` says why, so a user can fix their server rather than guess,
 * e.g. `WebAssembly SIMD, 1 thread — not cross-origin isolated: serve the page (and its workers'
 * scripts) with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
 * require-corp to use threads`. With threads: `WebAssembly SIMD, 4 threads`.
 *
 * @example
 * ```ts
 * const info = await browserWasmAdapter({ wasmPaths: '/tfjs-wasm/' }).init(); // { threads: 4, ... }
 * ```
 */
export function browserWasmAdapter(options: WasmAdapterOptions = {}): BackendAdapter {
  const adapter = wasmAdapter(options);
  return {
    name: adapter.name,
    isAvailable: () => adapter.isAvailable(),
    async init(): Promise<BackendInfo> {
      const info = await adapter.init();
      if (info.threads > 1) return info;
      const reason = wasmSingleThreadReason({
        crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
        threadsSupported: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
        simdSupported: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
        logicalCores:
          (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1,
      });
      return reason === undefined ? info : { ...info, device: `${info.device} — ${reason}` };
    },
  };
}
