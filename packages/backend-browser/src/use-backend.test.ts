import type { BackendAdapter, BackendInfo } from '@ganforge/core';
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

describe('browser useBackend (selection logic)', () => {
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
