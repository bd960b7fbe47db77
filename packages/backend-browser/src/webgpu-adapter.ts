import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

interface NavigatorWithGpu {
  readonly gpu?: {
    requestAdapter(): Promise<{
      readonly info?: { vendor?: string; architecture?: string; description?: string };
    } | null>;
  };
}

function navigatorGpu(): NavigatorWithGpu['gpu'] {
  return (globalThis as { navigator?: NavigatorWithGpu }).navigator?.gpu;
}

/** WebGPU through the browser's `navigator.gpu`; tfjs-backend-webgpu is loaded only when used. */
export const browserWebGpuAdapter: BackendAdapter = {
  name: 'webgpu',
  async isAvailable() {
    try {
      return (await navigatorGpu()?.requestAdapter()) != null;
    } catch {
      return false;
    }
  },
  async init(): Promise<BackendInfo> {
    const gpu = navigatorGpu();
    if (!gpu) {
      throw new BackendUnavailableError(
        'webgpu',
        'this browser has no navigator.gpu (WebGPU needs Chrome/Edge 113+, Safari 26+ or Firefox 141+, and a secure context).',
      );
    }
    const adapter = await gpu.requestAdapter();
    if (!adapter)
      throw new BackendUnavailableError('webgpu', 'the browser offers no WebGPU adapter (blocked GPU or driver).');
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu')))
      throw new BackendUnavailableError('webgpu', 'tfjs could not start its webgpu backend.');
    await tf.ready();
    const info = adapter.info ?? {};
    return {
      name: 'webgpu',
      device: `WebGPU: ${[info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'adapter'}`,
      isGpu: true,
      threads: 0,
    };
  },
};
