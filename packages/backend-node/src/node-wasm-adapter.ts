import { wasmAdapter } from '@ganforge/backend-wasm';
import type { BackendAdapter } from '@ganforge/core';

import { selectWasmThreads } from './wasm-threads/threaded-wasm-backend.js';
import { defaultWasmThreads, parseWasmThreads } from './wasm-threads/wasm-thread-count.js';

export interface NodeWasmAdapterOptions {
  /**
   * Threads the wasm backend computes with: an integer from 1 to 8. Default: the GANFORGE_THREADS
   * environment variable, else every physical core (at most 8; see defaultWasmThreads).
   */
  readonly threads?: number;
}

const processEvents = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * Runs `start` and removes the `uncaughtException` / `unhandledRejection` listeners it added to
 * `process`. Emscripten's Node glue in tfjs-backend-wasm installs both when the module starts
 * (they rethrow, to let an `exit()` unwind); with them, any later error in the user's own code
 * printed a 55 KB line of minified tfjs source before its message and ended the process with
 * exit code 7 (uncaught exception in a handler) instead of Node's usual 1. tfjs never calls
 * `exit()`, so Node's own handling is what users should get.
 */
async function withoutEmscriptenProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  // Typed as plain event names: Node's overloads for listeners() take one literal at a time.
  const listeners = (event: string) => process.listeners(event as 'uncaughtException') as unknown[];
  const before = new Map(processEvents.map((event) => [event, new Set(listeners(event))]));
  try {
    return await start();
  } finally {
    for (const event of processEvents) {
      for (const listener of listeners(event)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener as never);
      }
    }
  }
}

/**
 * The wasm backend for Node on every core: tfjs-backend-wasm's threaded SIMD build on
 * `worker_threads` (1 thread: its single-threaded SIMD build), plus GANForge's training kernels.
 * The BackendInfo reads e.g. `WebAssembly SIMD, 2 threads`.
 *
 * @throws InvalidArgumentError from init() naming `options.threads` or `GANFORGE_THREADS` when the
 *   count is not an integer from 1 to 8, or when the backend already runs with another count.
 *
 * @example
 * ```ts
 * const info = await nodeWasmAdapter({ threads: 2 }).init(); // { name: 'wasm', device: 'WebAssembly SIMD, 2 threads', ... }
 * ```
 */
export function nodeWasmAdapter(options: NodeWasmAdapterOptions = {}): BackendAdapter {
  const threads = () => {
    if (options.threads !== undefined) return parseWasmThreads(options.threads, 'options.threads');
    const fromEnvironment = process.env['GANFORGE_THREADS'];
    if (fromEnvironment) return parseWasmThreads(fromEnvironment, 'GANFORGE_THREADS');
    return defaultWasmThreads();
  };
  const base = wasmAdapter();
  return {
    name: base.name,
    isAvailable: () => base.isAvailable(),
    init: async () => {
      const count = threads();
      return withoutEmscriptenProcessHandlers(() =>
        wasmAdapter({ beforeInit: (wasm) => selectWasmThreads(wasm, count) }).init(),
      );
    },
  };
}
