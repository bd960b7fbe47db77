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
export { type DawnProbeResult, probeDawnAdapter } from './dawn-adapter-probe.js';
export { type ExplainedBackendAdapter, type UnavailableReason } from './explained-backend-adapter.js';
export {
  tensorflowCpuAdapter,
  tensorflowGpuAdapter,
  type TensorflowNodeImporter,
  type TensorflowNodeModule,
} from './tensorflow-adapters.js';
export { defaultNodeAdapters, useBackend, type UseBackendOptions } from './use-backend.js';
export { nodeVulkanHost, type VulkanAvailability, vulkanAvailability, type VulkanHost } from './vulkan-availability.js';
export { registerWasmTrainingKernels, wasmAdapter } from '@ganforge/backend-wasm';
export { nodeWasmAdapter, type NodeWasmAdapterOptions } from './node-wasm-adapter.js';
export {
  type CpuTopologySource,
  defaultWasmThreads,
  maxWasmThreads,
  parseWasmThreads,
} from './wasm-threads/wasm-thread-count.js';
