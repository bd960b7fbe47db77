export { type BrowserBackendName, browserBackendNames } from './browser-backend-names.js';
export { browserCpuAdapter } from './cpu-adapter.js';
export { browserWasmAdapter } from './browser-wasm-adapter.js';
export { IndexedDbCheckpointStore } from './indexeddb-checkpoint-store.js';
export { BrowserImageDecodeError, decodeImageBlob, readImageBlob } from './read-image-blob.js';
export { connectTrainingWorker, type TrainingWorkerClient } from './training-client.js';
export type {
  TrainingJob,
  TrainingListener,
  TrainingResult,
  TrainingWorkerApi,
  WorkerStepEvent,
} from './training-job.js';
export { createTrainingWorkerApi, exposeTrainingWorker } from './training-worker.js';
export { defaultBrowserAdapters, useBackend, type UseBrowserBackendOptions } from './use-backend.js';
export { webglAdapter, type WebGlAdapterOptions } from './webgl-adapter.js';
export { browserWebGpuAdapter } from './webgpu-adapter.js';
export { registerWasmTrainingKernels, wasmAdapter } from '@ganforge/backend-wasm';
