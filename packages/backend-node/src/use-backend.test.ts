import { spawnSync } from 'node:child_process';

import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';

import { dawnWebGpuAdapter } from './dawn-webgpu-adapter.js';
import { nodeWasmAdapter } from './node-wasm-adapter.js';
import type { ExplainedBackendAdapter, UnavailableReason } from './explained-backend-adapter.js';
import { tensorflowCpuAdapter, tensorflowGpuAdapter } from './tensorflow-adapters.js';
import { oversubscribedNote, useBackend } from './use-backend.js';
import { defaultWasmThreads } from './wasm-threads/wasm-thread-count.js';

const threadsHere = defaultWasmThreads() === 1 ? '1 thread' : `${defaultWasmThreads()} threads`;

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

function explainedAdapter(name: string, why: UnavailableReason | undefined): ExplainedBackendAdapter {
  return {
    ...fakeAdapter(name, why === undefined, []),
    unavailableReason: async () => why,
  };
}

afterEach(() => {
  delete process.env['GANFORGE_BACKEND'];
  delete process.env['GANFORGE_THREADS'];
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
    // 'gpu' has no unavailableReason(): reported generically.
    expect(messages).toEqual(['[ganforge] backend: fast (fast device) — skipped gpu: not available']);
  });

  it('says in one line why each faster backend was skipped and how to get the first that would help', async () => {
    const messages: string[] = [];
    await useBackend({
      adapters: [
        explainedAdapter('tensorflow-gpu', { reason: 'not installed' }),
        explainedAdapter('tensorflow', {
          reason: 'not installed',
          remedy: 'for native CPU speed: npm install @tensorflow/tfjs-node',
        }),
        dawnWebGpuAdapter({
          vulkan: () => ({ available: false, missing: 'loader', detail: 'no libvulkan.so.1' }),
        }),
        explainedAdapter('wasm', undefined),
      ],
      log: (message) => messages.push(message),
    });
    expect(messages).toEqual([
      '[ganforge] backend: wasm (wasm device) — skipped tensorflow-gpu: not installed; tensorflow: not installed; ' +
        'webgpu: no Vulkan loader (libvulkan.so.1) — for native CPU speed: npm install @tensorflow/tfjs-node',
    ]);
  });

  it('reports the fastest backend, a forced one, and one that failed to start', async () => {
    const messages: string[] = [];
    const log = (message: string) => messages.push(message);
    await useBackend({ adapters: [explainedAdapter('tensorflow-gpu', undefined)], log });
    await useBackend({
      adapters: [explainedAdapter('a', undefined), explainedAdapter('b', undefined)],
      backend: 'b' as never,
      log,
    });
    process.env['GANFORGE_BACKEND'] = 'b';
    await useBackend({ adapters: [explainedAdapter('a', undefined), explainedAdapter('b', undefined)], log });
    const broken: BackendAdapter = {
      name: 'broken',
      isAvailable: async () => true,
      init: () => Promise.reject(new BackendUnavailableError('broken', 'its kernel crashed.')),
    };
    delete process.env['GANFORGE_BACKEND'];
    await useBackend({ adapters: [broken, explainedAdapter('c', undefined)], log });
    expect(messages).toEqual([
      '[ganforge] backend: tensorflow-gpu (tensorflow-gpu device) — the fastest backend there is',
      '[ganforge] backend: b (b device) — as requested (options.backend)',
      '[ganforge] backend: b (b device) — as requested (GANFORGE_BACKEND=b)',
      "[ganforge] backend: c (c device) — skipped broken: failed to start (Backend 'broken' is not available: its kernel crashed.)",
    ]);
  });

  it('suggests tfjs-node-gpu only where an NVIDIA driver is loaded, and tfjs-node otherwise', async () => {
    const notInstalled = () =>
      Promise.reject(
        Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node-gpu'"), { code: 'ERR_MODULE_NOT_FOUND' }),
      );
    expect(await tensorflowGpuAdapter(notInstalled, () => true).unavailableReason()).toEqual({
      reason: 'not installed',
      remedy: 'for CUDA speed: npm install @tensorflow/tfjs-node-gpu',
    });
    expect(await tensorflowGpuAdapter(notInstalled, () => false).unavailableReason()).toEqual({
      reason: 'not installed',
    });
    expect(await tensorflowCpuAdapter(notInstalled).unavailableReason()).toEqual({
      reason: 'not installed',
      remedy: 'for native CPU speed: npm install @tensorflow/tfjs-node',
    });
    // Installed but its native library does not load (e.g. libtensorflow missing).
    const brokenNative = () => Promise.reject(new Error('libtensorflow.so.2: cannot open shared object file'));
    expect((await tensorflowCpuAdapter(brokenNative).unavailableReason())?.reason).toBe('failed to load');
  });

  it('prints only its one line on stderr when it probes the real backends (no native Vulkan warnings)', () => {
    // A fresh process, so that Dawn's native stderr (not console.error) is captured too. Measured
    // before this check existed: Dawn printed "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot
    // open shared object file" (without libvulkan1) or "vkCreateInstance: Found no drivers!" (with it).
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "await (await import('./src/use-backend.ts')).useBackend();"],
      { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^\\[ganforge\\] backend: wasm \\(WebAssembly SIMD, ${threadsHere}\\) — skipped tensorflow-gpu: [^\\n]*\\n$`,
      ),
    );
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
    // Every physical core by default (how they are counted is tested in wasm-thread-count.test.ts).
    expect(info).toMatchObject({ name: 'wasm', isGpu: false, threads: defaultWasmThreads() });
    expect(tf.getBackend()).toBe('wasm');
    await expect(useBackend({ backend: 'cpu', log: false })).resolves.toMatchObject({ name: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('says in its line when a thread count went unused because the backend is not wasm', async () => {
    const messages: string[] = [];
    await useBackend({ backend: 'cpu', threads: 2, log: (message) => messages.push(message) });
    expect(messages).toEqual([
      '[ganforge] backend: cpu (JavaScript CPU) — as requested (options.backend) — options.threads=2 not used: only the wasm backend takes a thread count',
    ]);
    messages.length = 0;
    process.env['GANFORGE_THREADS'] = '4';
    await useBackend({ backend: 'cpu', log: (message) => messages.push(message) });
    expect(messages[0]).toMatch(/ — GANFORGE_THREADS=4 not used: only the wasm backend takes a thread count$/);
  });

  it('notes when the wasm backend has more threads than logical CPUs, and only then', () => {
    const wasm = (threads: number) => ({ name: 'wasm', device: 'WebAssembly SIMD', isGpu: false, threads });
    expect(oversubscribedNote(wasm(8), 2)).toBe(' — 8 threads on 2 logical CPUs: expect it slower than 2');
    expect(oversubscribedNote(wasm(2), 1)).toBe(' — 2 threads on 1 logical CPU: expect it slower than 1');
    expect(oversubscribedNote(wasm(2), 2)).toBe('');
    expect(oversubscribedNote({ ...wasm(8), name: 'webgpu' }, 2)).toBe('');
  });

  it('stops on a wrong GANFORGE_THREADS instead of falling back to a slower backend', async () => {
    process.env['GANFORGE_THREADS'] = 'all';
    const calls: string[] = [];
    await expect(
      useBackend({ adapters: [nodeWasmAdapter(), fakeAdapter('slow', true, calls)], log: false }),
    ).rejects.toThrow(/^GANFORGE_THREADS: expected an integer from 1 to 8 .*received "all"/);
    expect(calls).toEqual([]);
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
