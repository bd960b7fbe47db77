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
  /**
   * Called with the loaded `@tensorflow/tfjs-backend-wasm` module before `tf.setBackend('wasm')`, to
   * change how the backend starts: `@ganforge/backend-node` registers tfjs's threaded build on
   * `worker_threads` here, which tfjs does not do under Node by itself.
   */
  readonly beforeInit?: (wasm: typeof TfjsBackendWasm) => void;
}

/**
 * tfjs-backend-wasm (XNNPACK, SIMD) with the kernels it lacks for training registered first. In a
 * cross-origin-isolated page tfjs uses its threaded build by itself; under Node it does not (tfjs
 * issue #3830), and `@ganforge/backend-node`'s adapter starts it through `beforeInit`.
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
      options.beforeInit?.(wasm);
      registerWasmTrainingKernels();
      if (!(await tf.setBackend('wasm'))) {
        throw new BackendUnavailableError(
          'wasm',
          'tfjs could not initialise the WebAssembly module (see the warning above; in a browser, check wasmPaths).',
        );
      }
      await tf.ready();
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      // XNNPACK's pool size as the module reports it (-1 or 1 for the single-threaded builds).
      const threads = Math.max(1, wasm.getThreadsCount());
      return {
        name: 'wasm',
        device: `WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'}`,
        isGpu: false,
        threads,
      };
    },
  };
}
