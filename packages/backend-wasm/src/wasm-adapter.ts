import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import type * as TfjsBackendWasm from '@tensorflow/tfjs-backend-wasm';

import { registerWasmTrainingKernels } from './kernels/register-wasm-training-kernels.js';

export interface WasmAdapterOptions {
  /**
   * Where the browser fetches tfjs-backend-wasm's `.wasm` files: a folder URL ending in '/' (for
   * example a CDN copy of `@tensorflow/tfjs-backend-wasm/dist/`), or a map from each file name
   * (`tfjs-backend-wasm.wasm`, `-simd.wasm`, `-threaded-simd.wasm`) to its URL, as bundlers that
   * hash asset names need. Node reads them from the package.
   */
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  /** Worker threads for the threaded build (browsers with cross-origin isolation); default: tfjs's choice. */
  readonly threads?: number;
}

/**
 * tfjs-backend-wasm (XNNPACK, SIMD) with the kernels it lacks for training registered first. Under
 * Node tfjs runs it single-threaded (tfjs issue #3830); in a cross-origin-isolated page it can
 * use threads.
 *
 * @example
 * ```ts
 * const info = await wasmAdapter({ wasmPaths: '/tfjs-wasm/' }).init();
 * ```
 */
export function wasmAdapter(options: WasmAdapterOptions = {}): BackendAdapter {
  let module: Promise<typeof TfjsBackendWasm | undefined> | undefined;
  const load = () =>
    (module ??= import('@tensorflow/tfjs-backend-wasm').then(
      (loaded) => (tf.findBackendFactory('wasm') !== null ? loaded : undefined),
      () => undefined,
    ));
  return {
    name: 'wasm',
    isAvailable: async () => (await load()) !== undefined && typeof WebAssembly === 'object',
    async init(): Promise<BackendInfo> {
      const wasm = await load();
      if (!wasm) {
        throw new BackendUnavailableError(
          'wasm',
          'the package @tensorflow/tfjs-backend-wasm could not be loaded. Run `npm install @tensorflow/tfjs-backend-wasm@4.22.0`.',
        );
      }
      if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths as Parameters<typeof wasm.setWasmPaths>[0]);
      if (options.threads) wasm.setThreadsCount(options.threads);
      registerWasmTrainingKernels();
      if (!(await tf.setBackend('wasm'))) {
        throw new BackendUnavailableError(
          'wasm',
          'tfjs could not initialise the WebAssembly module (see the warning above; in a browser, check wasmPaths).',
        );
      }
      await tf.ready();
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? Math.max(1, wasm.getThreadsCount()) : 1;
      return {
        name: 'wasm',
        device: `WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'}`,
        isGpu: false,
        threads,
      };
    },
  };
}
