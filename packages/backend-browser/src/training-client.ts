import * as Comlink from 'comlink';

import type { TrainingJob, TrainingListener, TrainingResult, TrainingWorkerApi } from './training-job.js';

/** The page's handle on a training worker. */
export interface TrainingWorkerClient {
  /** Starts a job; the images are transferred (the page's copy is detached). */
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
      remote.start(Comlink.transfer(job, [job.images.data.buffer]), Comlink.proxy(listener)) as Promise<TrainingResult>,
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
