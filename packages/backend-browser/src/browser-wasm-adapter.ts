import { wasmAdapter, type WasmAdapterOptions } from '@ganforge/backend-wasm';
import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import { wasmSingleThreadReason } from './wasm-single-thread-reason.js';

/** Errors that say tfjs-backend-wasm's threads failed, which useBackend passes on as they are. */
const threadStartFailures = new WeakSet<object>();

/** Whether `error` is the failure of tfjs-backend-wasm's threads to start (not a missing `.wasm` file). */
export function isWasmThreadStartFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && threadStartFailures.has(error);
}

/**
 * `wasmAdapter` of `@ganforge/backend-wasm` (tfjs-backend-wasm with GANForge's training kernels) for
 * pages and workers: tfjs runs its threaded build where the page is cross-origin isolated, and when
 * it runs on one thread the `device` says why, so a user can fix their server rather than guess,
 * e.g. `WebAssembly SIMD, 1 thread — not cross-origin isolated: serve the page (and its workers'
 * scripts) with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
 * require-corp to use threads`. With threads: `WebAssembly SIMD, 4 threads`.
 *
 * @throws BackendUnavailableError (`backend: 'wasm'`) when tfjs's threads fail to start, which would
 *   otherwise leave tfjs waiting for them forever (e.g. a minifier broke the module text tfjs hands them).
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
      const failure = threadFailureWatch();
      let info: BackendInfo;
      try {
        info = await Promise.race([adapter.init(), failure.failed]);
      } finally {
        failure.stop();
      }
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

/**
 * Rejects when one of tfjs-backend-wasm's threads fails to start. Its threads are Web Workers run
 * from `blob:` scripts; emscripten's handler rethrows such a worker's `ErrorEvent`, which reaches
 * this scope's `error` event, while tfjs keeps waiting for the thread.
 */
function threadFailureWatch(): { failed: Promise<never>; stop(): void } {
  const scope = globalThis as Partial<Pick<typeof globalThis, 'addEventListener' | 'removeEventListener'>>;
  let listener: ((event: Event) => void) | undefined;
  let reported = false;
  const failed = new Promise<never>((_, reject) => {
    listener = (event: Event) => {
      // Two shapes reach this scope: emscripten rethrowing the thread's ErrorEvent (`event.error` is that
      // ErrorEvent), and the thread's own uncaught error propagated to its parent (`event.filename`).
      const thrown = (event as { error?: unknown }).error as { filename?: unknown; message?: unknown } | undefined;
      const source = typeof thrown?.filename === 'string' ? thrown : (event as Partial<ErrorEvent>);
      if (typeof source.filename !== 'string' || !source.filename.startsWith('blob:')) return;
      // Reported once, as the error below: without preventDefault each thread's raw ReferenceError would
      // also reach the page as an uncaught error of the worker, before and after this explanation.
      event.preventDefault();
      if (reported) return;
      reported = true;
      const error = new BackendUnavailableError(
        'wasm',
        `a thread of tfjs-backend-wasm's threaded build failed to start (${String(source.message)}). ` +
          `If the page is bundled and minified, the minifier probably rewrote the module text tfjs hands its threads: ` +
          `turn its compress pass off for the bundle that starts WASM (docs/backends.md, "Threads in the browser"); ` +
          `or serve the page without cross-origin isolation to run on 1 thread.`,
      );
      threadStartFailures.add(error);
      reject(error);
    };
    scope.addEventListener?.('error', listener);
  });
  failed.catch(() => undefined); // only awaited while init() runs
  // After a failure the listener stays: the other threads fail the same way, later.
  return { failed, stop: () => !reported && listener && scope.removeEventListener?.('error', listener) };
}
