import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { dawnWebGpuAdapter, type DawnModule } from './dawn-webgpu-adapter.js';
import { useBackend } from './use-backend.js';

// Debian's chromium package ships SwiftShader, a software Vulkan driver that Dawn accepts; .ci/run
// installs it (and libvulkan1), so the real WebGPU path runs on this CPU-only machine.
process.env['VK_ICD_FILENAMES'] ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

function fakeDawn(adapter: { isFallbackAdapter: boolean } | null): DawnModule {
  return {
    globals: {},
    create: () => ({
      requestAdapter: async () =>
        adapter && {
          info: {
            vendor: 'acme',
            architecture: 'x',
            description: 'Acme GPU',
            isFallbackAdapter: adapter.isFallbackAdapter,
          },
        },
    }),
  };
}

describe('dawnWebGpuAdapter', () => {
  it('names the missing package, a missing adapter, and a software-only adapter', async () => {
    const missing = dawnWebGpuAdapter({ importer: () => Promise.reject(new Error('Cannot find package')) });
    expect(await missing.isAvailable()).toBe(false);
    await expect(missing.init()).rejects.toThrow(/Run `npm install webgpu`/);

    const noAdapter = dawnWebGpuAdapter({ importer: async () => fakeDawn(null) });
    await expect(noAdapter.init()).rejects.toThrow(/Dawn found no GPU adapter. On Linux, Dawn needs the Vulkan loader/);

    const software = dawnWebGpuAdapter({ importer: async () => fakeDawn({ isFallbackAdapter: true }) });
    expect(await software.isAvailable()).toBe(false);
    await expect(software.init()).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(software.init()).rejects.toThrow(/the only adapter is a software one \(Acme GPU\)/);
  });

  it('offers a hardware adapter by itself', async () => {
    expect(
      await dawnWebGpuAdapter({ importer: async () => fakeDawn({ isFallbackAdapter: false }) }).isAvailable(),
    ).toBe(true);
  });

  it('runs tfjs on real Dawn WebGPU (SwiftShader) when forced, but does not pick software WebGPU by itself', async () => {
    const chosen = await useBackend({ log: false });
    expect(chosen.name).toBe('wasm'); // SwiftShader is slower than WASM: not chosen by default

    const info = await useBackend({ backend: 'webgpu', log: false });
    expect(info).toMatchObject({ name: 'webgpu', isGpu: false });
    expect(info.device).toMatch(/WebGPU \(Dawn\): google swiftshader .*\[software\]/);
    expect(tf.getBackend()).toBe('webgpu');

    // A conv gradient on the GPU backend equals the same gradient on cpu. Tensors are made per
    // backend: moving data off WebGPU synchronously is impossible in Node (no OffscreenCanvas).
    const gradientOn = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 1);
      const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2);
      const g = tf.grad((filter: tf.Tensor) =>
        tf
          .conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 2, 'same')
          .square()
          .sum(),
      )(w);
      return Array.from(await g.data());
    };
    const onGpu = await gradientOn('webgpu');
    const onCpu = await gradientOn('cpu');
    onGpu.forEach((value, index) => expect(value).toBeCloseTo(onCpu[index]!, 2));
  });
});
