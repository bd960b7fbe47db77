import * as Comlink from 'comlink';

import type { TrainingJob, TrainingListener, TrainingResult, TrainingWorkerApi } from './training-job.js';

/** The page's handle on a training worker. */
export interface TrainingWorkerClient {
  /**
   * Starts a job; the images are transferred (the page's copy is detached) when they own their
   * whole ArrayBuffer, else exactly their values are copied and the copy is transferred.
   */
  start(job: TrainingJob, listener?: TrainingListener): Promise<TrainingResult>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  cancel(): Promise<void>;
  memory(): Promise<{ numTensors: number; numBytes: number }>;
  /** Ends the worker. */
  terminate(): void;
}

/**
 * Connects to a worker that called `exposeTrainingWorker()`.
 *
 * @example
 * ```ts
 * const worker = connectTrainingWorker(new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' }));
 * const result = await worker.start(
 *   { model: { size: 28, latentDim: 64, filters: 32 }, images, steps: 500, batchSize: 32, sampleEvery: 25 },
 *   { onStep: (e) => progress(e.step), onSample: ({ image }) => draw(image) },
 * );
 * ```
 */
export function connectTrainingWorker(worker: Worker): TrainingWorkerClient {
  const remote = Comlink.wrap<TrainingWorkerApi>(worker);
  return {
    start: (job, listener = {}) =>
      remote.start(transferableJob(job), Comlink.proxy(listener)) as Promise<TrainingResult>,
    pause: () => remote.pause(),
    resume: () => remote.resume(),
    cancel: () => remote.cancel(),
    memory: () => remote.memory(),
    terminate: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/**
 * The job with its images ready to transfer. Transferring `data.buffer` moves the whole backing
 * store: for a view into a larger buffer (a `subarray`, a Node `Buffer` pool) that would detach the
 * caller's other bytes and send them along, so such a view travels as a copy of its own values.
 */
function transferableJob(job: TrainingJob): TrainingJob {
  const { data } = job.images;
  const ownsBuffer =
    data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  const images = ownsBuffer ? job.images : { ...job.images, data: new Float32Array(data) };
  return Comlink.transfer({ ...job, images }, [images.data.buffer]);
}
