import type { BrowserBackendName } from '@ganforge/backend-browser';
import * as Comlink from 'comlink';

import type {
  LoadedModel,
  ModelSource,
  UpscaleProgressReport,
  UpscaleRequest,
  UpscaleResult,
  UpscaleWorkerApi,
} from './upscale-worker-api.js';
import { workerFailure } from '../shell/worker-failure.js';

/**
 * The page's side of the super-resolution worker. Cancel sets a flag on a SharedArrayBuffer that the
 * worker reads between tiles (the page is cross-origin isolated); where there is none, the worker is
 * terminated instead and started again (with the model reloaded) for the next upscale.
 */
export class UpscaleClient {
  readonly #options: { backend: BrowserBackendName | undefined; wasmPaths: Readonly<Record<string, string>> };
  #worker: Worker | undefined;
  #remote: Comlink.Remote<UpscaleWorkerApi> | undefined;
  #started: Promise<string> | undefined;
  #source: ModelSource | undefined;
  #modelLoaded: Promise<LoadedModel> | undefined;
  #cancelFlag: Int32Array | undefined;
  #rejectRunning: ((reason: Error) => void) | undefined;
  #failed: Promise<never> | undefined;

  constructor(options: { backend: BrowserBackendName | undefined; wasmPaths: Readonly<Record<string, string>> }) {
    this.#options = options;
  }

  /** Starts the worker and its backend (once); resolves to the backend's description. */
  start(): Promise<string> {
    if (!this.#started) {
      this.#worker = new Worker(new URL('./upscale.worker.ts', import.meta.url), { type: 'module' });
      this.#failed = workerFailure(this.#worker, 'The upscale worker');
      this.#failed.catch((error: Error) => this.#rejectRunning?.(error));
      this.#remote = Comlink.wrap<UpscaleWorkerApi>(this.#worker);
      this.#started = Promise.race([this.#remote.start(this.#options), this.#failed]);
    }
    return this.#started;
  }

  async loadModel(source: ModelSource): Promise<LoadedModel> {
    await this.start();
    const loading = Promise.race([this.#remote!.loadModel(source), this.#failed!]);
    // The previous model stays the current one when the new source is refused.
    const info = await loading;
    this.#source = source;
    this.#modelLoaded = loading;
    return info;
  }

  async upscale(
    request: Omit<UpscaleRequest, 'cancelFlag'>,
    onProgress: (progress: UpscaleProgressReport) => void,
  ): Promise<UpscaleResult> {
    if (!this.#worker && this.#source) {
      // Restarted after a cancel that had to terminate the worker.
      await this.start();
      this.#modelLoaded = this.#remote!.loadModel(this.#source);
    }
    await this.start();
    await this.#modelLoaded;
    const cancelFlag =
      typeof SharedArrayBuffer === 'function' && crossOriginIsolated
        ? new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
        : undefined;
    this.#cancelFlag = cancelFlag;
    try {
      return await new Promise<UpscaleResult>((resolve, reject) => {
        this.#rejectRunning = reject;
        this.#remote!.upscale({ ...request, cancelFlag }, Comlink.proxy(onProgress)).then(resolve, reject);
      });
    } finally {
      this.#rejectRunning = undefined;
      this.#cancelFlag = undefined;
    }
  }

  /** Stops the running upscale: its promise rejects with an AbortError and the worker frees its tensors. */
  cancel(): void {
    if (this.#cancelFlag) {
      Atomics.store(this.#cancelFlag, 0, 1);
      void this.#remote?.cancel();
      return;
    }
    if (this.#rejectRunning && this.#worker) {
      this.#worker.terminate();
      this.#worker = undefined;
      this.#remote = undefined;
      this.#started = undefined;
      const error = new Error('The upscale was cancelled.');
      error.name = 'AbortError';
      this.#rejectRunning(error);
    }
  }

  /** The worker's tfjs tensor count and bytes. */
  async memory(): Promise<{ numTensors: number; numBytes: number }> {
    await this.start();
    return this.#remote!.memory();
  }

  dispose(): void {
    this.#worker?.terminate();
  }
}
