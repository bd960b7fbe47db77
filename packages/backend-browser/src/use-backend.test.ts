import { BackendUnavailableError, type BackendAdapter, type BackendInfo } from '@ganforge/core';
import { describe, expect, it } from 'vitest';

import { useBackend } from './use-backend.js';

function adapter(name: string, available: boolean): BackendAdapter {
  return {
    name,
    isAvailable: async () => available,
    init: async (): Promise<BackendInfo> => {
      if (!available) throw new Error(`${name} cannot start`);
      return { name, device: name, isGpu: name !== 'cpu', threads: 0 };
    },
  };
}

/** Supported (isAvailable) but failing to start, as tfjs-backend-wasm does when its .wasm files 404. */
function failingAdapter(name: string): BackendAdapter {
  return {
    name,
    isAvailable: async () => true,
    init: async () => {
      throw new Error(`${name} failed to start`);
    },
  };
}

describe('browser useBackend (selection logic)', () => {
  it('lets a GPU backend that fails to start give way to the next one', async () => {
    const info = await useBackend({ adapters: [failingAdapter('webgpu'), adapter('cpu', true)], log: false });
    expect(info.name).toBe('cpu');
  });

  it('throws instead of dropping to cpu when WASM is supported but cannot start, naming wasmPaths', async () => {
    const adapters = [adapter('webgpu', false), failingAdapter('wasm'), adapter('cpu', true)];
    const withoutPaths = useBackend({ adapters, log: false });
    await expect(withoutPaths).rejects.toThrow(BackendUnavailableError);
    await expect(withoutPaths).rejects.toThrow(/looked for its \.wasm files next to the page or worker script/);
    await expect(withoutPaths).rejects.toThrow(/pass .* as wasmPaths, or pass backend: 'cpu'/);
    await expect(useBackend({ adapters, wasmPaths: '/assets/wasm/', log: false })).rejects.toThrow(
      /looked for its \.wasm files in \/assets\/wasm\/\. .*\(wasm failed to start\)/,
    );
    await expect(useBackend({ adapters, backend: 'wasm', log: false })).rejects.toThrow(/as wasmPaths/);
    expect((await useBackend({ adapters, backend: 'cpu', log: false })).name).toBe('cpu');
  });

  it('takes the first available adapter in order', async () => {
    const info = await useBackend({
      adapters: [adapter('webgpu', false), adapter('webgl', true), adapter('cpu', true)],
      log: false,
    });
    expect(info.name).toBe('webgl');
  });

  it('forces one by name and reports why it cannot start', async () => {
    const adapters = [adapter('webgpu', false), adapter('cpu', true)];
    await expect(useBackend({ adapters, backend: 'webgpu', log: false })).rejects.toThrow('webgpu cannot start');
    await expect(useBackend({ adapters, backend: 'webgl', log: false })).rejects.toThrow(
      /options.backend: expected one of webgpu, cpu, received "webgl"/,
    );
  });

  it('logs the choice', async () => {
    const messages: string[] = [];
    await useBackend({ adapters: [adapter('cpu', true)], log: (m) => messages.push(m) });
    expect(messages).toEqual(['[ganforge] backend: cpu (cpu)']);
  });
});
