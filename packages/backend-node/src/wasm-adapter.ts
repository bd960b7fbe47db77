import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import { registerWasmTrainingKernels } from './wasm-kernels/register-wasm-training-kernels.js';

async function loadWasmBackend(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    return tf.findBackendFactory('wasm') !== null;
  } catch {
    return false;
  }
}

/**
 * tfjs-backend-wasm (XNNPACK, SIMD) with the kernels it lacks for training registered first.
 * Single-threaded under Node: tfjs turns WASM threads off there (tfjs issue #3830).
 */
export const wasmAdapter: BackendAdapter = {
  name: 'wasm',
  isAvailable: loadWasmBackend,
  async init(): Promise<BackendInfo> {
    if (!(await loadWasmBackend())) {
      throw new BackendUnavailableError(
        'wasm',
        'the package @tensorflow/tfjs-backend-wasm could not be loaded. Run `npm install @tensorflow/tfjs-backend-wasm@^4.22.0`.',
      );
    }
    registerWasmTrainingKernels();
    if (!(await tf.setBackend('wasm'))) {
      throw new BackendUnavailableError(
        'wasm',
        'tfjs could not initialise the WebAssembly module (see the warning above).',
      );
    }
    await tf.ready();
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? Math.max(1, navigatorThreads()) : 1;
    return {
      name: 'wasm',
      device: `WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'}`,
      isGpu: false,
      threads,
    };
  },
};

function navigatorThreads(): number {
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}
