import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';

import { tensorflowCpuAdapter, tensorflowGpuAdapter } from './tensorflow-adapters.js';
import { useBackend } from './use-backend.js';

function fakeAdapter(name: string, available: boolean, calls: string[]): BackendAdapter {
  return {
    name,
    isAvailable: async () => {
      calls.push(`available? ${name}`);
      return available;
    },
    init: async (): Promise<BackendInfo> => {
      calls.push(`init ${name}`);
      if (!available) throw new BackendUnavailableError(name, `${name} is missing. Run \`npm install ${name}\`.`);
      return { name, device: `${name} device`, isGpu: name.includes('gpu'), threads: 1 };
    },
  };
}

afterEach(() => {
  delete process.env['GANFORGE_BACKEND'];
});

describe('useBackend', () => {
  it('picks the first available adapter in order and reports it', async () => {
    const calls: string[] = [];
    const messages: string[] = [];
    const info = await useBackend({
      adapters: [fakeAdapter('gpu', false, calls), fakeAdapter('fast', true, calls), fakeAdapter('slow', true, calls)],
      log: (message) => messages.push(message),
    });
    expect(info.name).toBe('fast');
    expect(calls).toEqual(['available? gpu', 'available? fast', 'init fast']);
    expect(messages).toEqual(['[ganforge] backend: fast (fast device)']);
  });

  it('forces a backend by option or GANFORGE_BACKEND, and never falls back silently', async () => {
    const calls: string[] = [];
    const adapters = [fakeAdapter('fast', true, calls), fakeAdapter('missing', false, calls)];
    await expect(useBackend({ adapters, backend: 'missing' as never, log: false })).rejects.toThrow(
      /Backend 'missing' is not available: missing is missing. Run `npm install missing`./,
    );
    process.env['GANFORGE_BACKEND'] = 'missing';
    await expect(useBackend({ adapters, log: false })).rejects.toBeInstanceOf(BackendUnavailableError);
    process.env['GANFORGE_BACKEND'] = 'nonsense';
    await expect(useBackend({ adapters, log: false })).rejects.toThrow(
      /GANFORGE_BACKEND: expected one of fast, missing, received "nonsense"/,
    );
  });

  it('starts the real wasm backend by default here (tfjs-node is not installed)', async () => {
    const info = await useBackend({ log: false });
    expect(info).toMatchObject({ name: 'wasm', isGpu: false, threads: 1 });
    expect(tf.getBackend()).toBe('wasm');
    await expect(useBackend({ backend: 'cpu', log: false })).resolves.toMatchObject({ name: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('explains how to install tfjs-node when it is forced but missing', async () => {
    await expect(useBackend({ backend: 'tensorflow', log: false })).rejects.toThrow(
      /Backend 'tensorflow' is not available: the package @tensorflow\/tfjs-node is not installed .* Run `npm install @tensorflow\/tfjs-node@\^4.22.0`/,
    );
    await expect(useBackend({ backend: 'tensorflow-gpu', log: false })).rejects.toThrow(
      /npm install @tensorflow\/tfjs-node-gpu@\^4.22.0` \(needs CUDA/,
    );
  });

  it('uses tfjs-node(-gpu) when the import registers a tensorflow backend', async () => {
    // Stand-in for the native package: importing it registers the 'tensorflow' backend, as tfjs-node does.
    const importer = async () => {
      if (!tf.findBackendFactory('tensorflow')) tf.registerBackend('tensorflow', async () => tf.findBackend('cpu')!);
      return {};
    };
    const gpu = tensorflowGpuAdapter(importer);
    expect(await gpu.isAvailable()).toBe(true);
    const info = await useBackend({ adapters: [gpu, tensorflowCpuAdapter(importer)], log: false });
    expect(info).toMatchObject({ name: 'tensorflow', isGpu: true });
    tf.removeBackend('tensorflow');
  });
});
