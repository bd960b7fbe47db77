/**
 * The backends `useBackend` can activate, fastest first:
 * - `tensorflow-gpu`: `@tensorflow/tfjs-node-gpu` (libtensorflow with CUDA)
 * - `tensorflow`: `@tensorflow/tfjs-node` (libtensorflow on the CPU)
 * - `webgpu`: WebGPU through Dawn (the npm package `webgpu`); chosen by itself only on a hardware adapter
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` plus GANForge's training kernels
 * - `cpu`: plain JavaScript, always available, too slow to train convolutions
 */
export const nodeBackendNames = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type NodeBackendName = (typeof nodeBackendNames)[number];
