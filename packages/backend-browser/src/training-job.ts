import type { BackendInfo, DcganOptions, StepEvent, TrainingSummary } from '@ganforge/core';
import type { RgbaImage } from '@ganforge/data';

import type { BrowserBackendName } from './browser-backend-names.js';

/** A DCGAN training run for a worker: the model options, the images and when to stop. */
export interface TrainingJob {
  /** Force a backend in the worker; default: the fastest available. */
  readonly backend?: BrowserBackendName;
  /** Folder URL serving tfjs-backend-wasm's .wasm files (for the WASM backend). */
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  readonly model: DcganOptions;
  /** Training images in [-1, 1], row-major [N, H, W, C]; transferred to the worker. */
  readonly images: { readonly data: Float32Array; readonly shape: readonly [number, number, number, number] };
  readonly steps: number;
  readonly batchSize: number;
  readonly seed?: number;
  /** Adam learning rate (beta1 0.5). Default 2e-4. */
  readonly learningRate?: number;
  /** Send a sample grid every this many steps. */
  readonly sampleEvery?: number;
  /** Images per sample grid. Default 16. */
  readonly sampleCount?: number;
  /** Resume from these checkpoint bytes (what `TrainingResult.checkpoint` or a `.gfckpt` file holds). */
  readonly checkpoint?: Uint8Array;
}

/** A step event from the worker, with the worker's tensor count after the step. */
export interface WorkerStepEvent extends StepEvent {
  readonly numTensors: number;
}

/**
 * What the page hears while a job runs. The worker waits for `onStep` to return before the next
 * step, so a pause or cancel requested inside it takes effect at once.
 */
export interface TrainingListener {
  onStep?(event: WorkerStepEvent): void | Promise<void>;
  onSample?(sample: { readonly step: number; readonly image: RgbaImage }): void | Promise<void>;
}

/** What a finished (or cancelled) job returns. */
export interface TrainingResult {
  readonly backend: BackendInfo;
  readonly summary: TrainingSummary;
  /** The final checkpoint, encoded: save it with `IndexedDbCheckpointStore.importBytes` or as a file. */
  readonly checkpoint: Uint8Array;
}

/** The worker's API, as the page sees it through comlink. */
export interface TrainingWorkerApi {
  start(job: TrainingJob, listener: TrainingListener): Promise<TrainingResult>;
  pause(): void;
  resume(): void;
  cancel(): void;
  /** `tf.memory()` of the worker. */
  memory(): { numTensors: number; numBytes: number };
}
