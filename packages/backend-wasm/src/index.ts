export { registerWasmTrainingKernels } from './kernels/register-wasm-training-kernels.js';
export { wasmAdapter, type WasmAdapterOptions } from './wasm-adapter.js';
