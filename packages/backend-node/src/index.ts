export { type NodeBackendName, nodeBackendNames } from './backend-names.js';
export { cpuAdapter } from './cpu-adapter.js';
export {
  tensorflowCpuAdapter,
  tensorflowGpuAdapter,
  type TensorflowNodeImporter,
  type TensorflowNodeModule,
} from './tensorflow-adapters.js';
export { defaultNodeAdapters, useBackend, type UseBackendOptions } from './use-backend.js';
export { wasmAdapter } from './wasm-adapter.js';
export { registerWasmTrainingKernels } from './wasm-kernels/register-wasm-training-kernels.js';
