export { type NodeBackendName, nodeBackendNames } from './backend-names.js';
export { cpuAdapter } from './cpu-adapter.js';
export {
  type DawnAdapterLike,
  type DawnGpuLike,
  type DawnImporter,
  type DawnModule,
  dawnWebGpuAdapter,
  type DawnWebGpuAdapterOptions,
} from './dawn-webgpu-adapter.js';
export {
  tensorflowCpuAdapter,
  tensorflowGpuAdapter,
  type TensorflowNodeImporter,
  type TensorflowNodeModule,
} from './tensorflow-adapters.js';
export { defaultNodeAdapters, useBackend, type UseBackendOptions } from './use-backend.js';
export { registerWasmTrainingKernels, wasmAdapter } from '@ganforge/backend-wasm';
