import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { probeDawnAdapter } from './dawn-adapter-probe.js';
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

const vulkanPresent = () => ({ available: true }) as const;

describe('dawnWebGpuAdapter', () => {
  it('names the missing package, a missing adapter, and a software-only adapter', async () => {
    const missing = dawnWebGpuAdapter({
      importer: () => Promise.reject(new Error('Cannot find package')),
      vulkan: vulkanPresent,
    });
    expect(await missing.isAvailable()).toBe(false);
    expect(await missing.unavailableReason()).toEqual({ reason: 'package webgpu not installed or failed to load' });
    await expect(missing.init()).rejects.toThrow(/Run `npm install webgpu`/);

    const noAdapter = dawnWebGpuAdapter({ importer: async () => fakeDawn(null), vulkan: vulkanPresent });
    expect(await noAdapter.unavailableReason()).toEqual({ reason: 'Dawn found no GPU adapter' });
    await expect(noAdapter.init()).rejects.toThrow(/Dawn found no GPU adapter. On Linux, Dawn needs the Vulkan loader/);

    const software = dawnWebGpuAdapter({
      importer: async () => fakeDawn({ isFallbackAdapter: true }),
      vulkan: vulkanPresent,
    });
    expect(await software.isAvailable()).toBe(false);
    expect(await software.unavailableReason()).toEqual({
      reason: 'only a software adapter (Acme GPU), slower than WASM',
    });
    await expect(software.init()).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(software.init()).rejects.toThrow(/the only adapter is a software one \(Acme GPU\)/);
  });

  it('offers a hardware adapter by itself', async () => {
    const hardware = dawnWebGpuAdapter({
      importer: async () => fakeDawn({ isFallbackAdapter: false }),
      vulkan: vulkanPresent,
    });
    expect(await hardware.isAvailable()).toBe(true);
    expect(await hardware.unavailableReason()).toBeUndefined();
  });

  it('does not start Dawn (whose native warnings users read as errors) when Vulkan is missing', async () => {
    for (const missing of ['loader', 'driver'] as const) {
      const started: string[] = [];
      const adapter = dawnWebGpuAdapter({
        importer: async () => {
          started.push('import');
          return fakeDawn({ isFallbackAdapter: false });
        },
        vulkan: () => ({ available: false, missing, detail: `no ${missing} here` }),
      });
      expect(await adapter.isAvailable()).toBe(false);
      expect((await adapter.unavailableReason())?.reason).toBe(
        missing === 'loader' ? 'no Vulkan loader (libvulkan.so.1)' : 'no Vulkan driver',
      );
      await expect(adapter.init()).rejects.toThrow(new RegExp(`Dawn cannot start: no ${missing} here`));
      expect(started).toEqual([]);
    }
  });

  it('uses a probe that runs elsewhere and starts Dawn here only in init()', async () => {
    const started: string[] = [];
    const importer = async () => {
      started.push('import');
      return fakeDawn({ isFallbackAdapter: false });
    };
    const hardwareInfo = { vendor: 'acme', architecture: 'x', description: 'Acme GPU', isFallbackAdapter: false };
    const probed = dawnWebGpuAdapter({
      importer,
      vulkan: vulkanPresent,
      probe: async () => ({ adapter: { info: hardwareInfo } }),
    });
    expect(await probed.isAvailable()).toBe(true);
    expect(started).toEqual([]);

    const crashed = dawnWebGpuAdapter({
      importer,
      vulkan: vulkanPresent,
      probe: async () => ({ failed: 'crashed', detail: 'Command failed; its stderr: Segmentation fault' }),
    });
    expect(await crashed.unavailableReason()).toEqual({ reason: 'Dawn failed to start' });
    await expect(crashed.init()).rejects.toThrow(/Dawn failed while looking for an adapter: .*Segmentation fault/);
    const missing = dawnWebGpuAdapter({
      vulkan: vulkanPresent,
      probe: async () => ({ failed: 'not-installed', detail: "Cannot find module 'webgpu'" }),
    });
    await expect(missing.init()).rejects.toThrow(/Run `npm install webgpu`/);
    expect(started).toEqual([]);
  });

  it('probes real Dawn in a child process and finds the SwiftShader adapter', async () => {
    // VK_ICD_FILENAMES (set above) is inherited by the child. Expected values: what Dawn reports for
    // SwiftShader when asked in this process (measured: google / swiftshader / "SwiftShader driver 5.0.0").
    expect(await probeDawnAdapter()).toEqual({
      adapter: {
        info: {
          vendor: 'google',
          architecture: 'swiftshader',
          description: expect.stringMatching(/^SwiftShader driver/),
          isFallbackAdapter: true,
        },
      },
    });
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
