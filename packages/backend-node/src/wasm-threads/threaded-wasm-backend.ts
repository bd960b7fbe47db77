import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { BackendUnavailableError, InvalidArgumentError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import type * as TfjsBackendWasm from '@tensorflow/tfjs-backend-wasm';

// tfjs-backend-wasm's own priority for 'wasm' (tfjs-backend-wasm/src/base.ts, WASM_PRIORITY).
const wasmPriority = 2;

/** The parts of the Emscripten module of tfjs's threaded build that this file touches. */
interface ThreadedModule {
  cwrap: (name: string, returnType: string | null, argumentTypes: string[]) => (...args: number[]) => number;
  PThread: { runningWorkers: Array<{ unref(): void }> };
  tfjs?: unknown;
}

interface EmscriptenImports {
  env: Record<string, unknown>;
}

type ThreadedFactory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

/**
 * Makes tfjs's `wasm` backend start with `threads` threads under Node: for more than one, its
 * threaded SIMD build (the caller and `threads - 1` pthread workers on `worker_threads`); for one,
 * its stock single-threaded build. Call before `tf.setBackend('wasm')`.
 *
 * tfjs 4.22 refuses threads under Node (tfjs issue #3830: it hands Emscripten `blob:` URLs for the
 * worker script, which `worker_threads` cannot load) and caps XNNPACK's pool at half of
 * `emscripten_num_logical_cores()`, i.e. 1 thread on a 2-core machine. Here the worker script is a
 * file in a private temporary folder (removed once the workers have read it), and the core count
 * the module sees is `2 * threads`, so tfjs's own cap (`init_with_threads_count`) yields exactly
 * `threads`. The pthread workers are unref'd so that they never keep a finished process alive.
 *
 * @param wasm the loaded `@tensorflow/tfjs-backend-wasm` module (its `BackendWasm` and
 *   `setThreadsCount` are used, so that its kernels and this backend share one copy).
 * @param threads 1 to 8 (checked by parseWasmThreads).
 * @throws InvalidArgumentError naming `threads` when the backend already runs with another count.
 */
export function selectWasmThreads(wasm: typeof TfjsBackendWasm, threads: number): void {
  if (tf.findBackend('wasm') !== null) {
    // Started already (by an earlier call, or by the user): replacing it would drop its tensors.
    const running = Math.max(1, wasm.getThreadsCount());
    if (running === threads) return;
    throw new InvalidArgumentError(
      'threads',
      `${running}, the thread count the wasm backend already runs with in this process`,
      threads,
      'tfjs cannot restart a backend without losing its tensors: choose the thread count before the first use.',
    );
  }
  const current = tf.findBackendFactory('wasm');
  const currentThreads = current === null ? undefined : threadedFactories.get(current);
  if (currentThreads === threads) return;
  if (currentThreads === undefined && current !== null) stockFactory = current;
  const factory =
    threads === 1
      ? stockFactory
      : async () => {
          const module = await startThreadedModule(threads);
          const backend = new wasm.BackendWasm(module as never);
          for (const worker of module.PThread.runningWorkers) worker.unref();
          return backend;
        };
  if (factory === undefined || factory === null) return;
  if (threads > 1) threadedFactories.set(factory, threads);
  tf.removeBackend('wasm');
  wasm.setThreadsCount(threads);
  tf.registerBackend('wasm', factory, wasmPriority);
}

type BackendFactory = NonNullable<ReturnType<typeof tf.findBackendFactory>>;
// The threaded factories registered here, with their thread counts, and tfjs's own factory.
const threadedFactories = new WeakMap<BackendFactory, number>();
let stockFactory: BackendFactory | undefined;

async function startThreadedModule(threads: number): Promise<ThreadedModule> {
  const packageFolder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const load = createRequire(join(packageFolder, 'package.json'));
  const factory = load('./wasm-out/tfjs-backend-wasm-threaded-simd.js') as ThreadedFactory;
  const { wasmWorkerContents } = load('./wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
    wasmWorkerContents: string;
  };
  const binary = readFileSync(join(packageFolder, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm'));

  // A private folder (mode 0700): a worker script in a shared, guessable place could be swapped.
  const folder = mkdtempSync(join(tmpdir(), 'ganforge-wasm-'));
  try {
    const workerScript = join(folder, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
    // The script is embedded in a template literal whose "\n" escapes became newlines; tfjs's own
    // loader escapes them back the same way (backend_wasm.ts, locateFile).
    writeFileSync(workerScript, wasmWorkerContents.replace(/\n/g, '\\n'), { mode: 0o600 });
    let failInstantiation: (error: unknown) => void = () => {};
    const instantiationFailed = new Promise<never>((_, reject) => (failInstantiation = reject));
    const ready = factory({
      locateFile: (path: string) => (path.endsWith('.worker.js') ? workerScript : join(packageFolder, 'dist', path)),
      // Each worker evaluates this file to get the module factory.
      mainScriptUrlOrBlob: load.resolve('./wasm-out/tfjs-backend-wasm-threaded-simd.js'),
      instantiateWasm(imports: EmscriptenImports, receiveInstance: (instance: unknown, module: unknown) => void) {
        // What tfjs divides by 2 to size its thread pool (see above).
        imports.env['emscripten_num_logical_cores'] = () => 2 * threads;
        WebAssembly.instantiate(binary, imports as unknown as WebAssembly.Imports).then(
          (result) => receiveInstance(result.instance, result.module),
          failInstantiation,
        );
        return {};
      },
    });
    const module = await Promise.race([ready, instantiationFailed]);
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return module;
  } catch (error) {
    throw new BackendUnavailableError(
      'wasm',
      `tfjs-backend-wasm's threaded build did not start under Node (${error instanceof Error ? error.message : String(error)}). Set GANFORGE_THREADS=1 to use the single-threaded build.`,
    );
  } finally {
    // The module resolves only after all pool workers have loaded the script.
    rmSync(folder, { recursive: true, force: true });
  }
}
