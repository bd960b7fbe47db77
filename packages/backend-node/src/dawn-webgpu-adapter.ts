import type { BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import { type DawnProbeResult, probeDawnAdapter } from './dawn-adapter-probe.js';
import type { ExplainedBackendAdapter, UnavailableReason } from './explained-backend-adapter.js';
import { type VulkanAvailability, vulkanAvailability } from './vulkan-availability.js';
import { registerWebGpuKernelFixes } from './webgpu-kernels/register-webgpu-kernel-fixes.js';

/** What this adapter reads of a WebGPU adapter (a structural subset of `GPUAdapter`). */
export interface DawnAdapterLike {
  readonly info: {
    readonly vendor: string;
    readonly architecture: string;
    readonly description: string;
    readonly isFallbackAdapter?: boolean;
  };
}

/** What this adapter uses of `navigator.gpu` (a structural subset of `GPU`). */
export interface DawnGpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<DawnAdapterLike | null>;
}

/** The part of the npm package `webgpu` (Dawn for Node) this adapter uses. */
export interface DawnModule {
  create(options: string[]): DawnGpuLike;
  readonly globals: Record<string, unknown>;
}

export type DawnImporter = () => Promise<DawnModule>;

export interface DawnWebGpuAdapterOptions {
  /**
   * Accept a software adapter (SwiftShader, Dawn's fallback). Off when `useBackend` chooses by itself,
   * because software WebGPU is slower than WASM; on when a caller forces 'webgpu'.
   */
  readonly allowSoftware?: boolean;
  /** Flags for Dawn's `create()`, e.g. `['enable-dawn-features=allow_unsafe_apis']`. */
  readonly dawnFlags?: string[];
  readonly importer?: DawnImporter;
  /**
   * Checks for the Vulkan loader and a driver before Dawn starts (Linux), so that a machine without
   * them gets a reason instead of Dawn's native warnings on stderr. Default {@link vulkanAvailability}.
   */
  readonly vulkan?: () => VulkanAvailability;
  /**
   * Finds Dawn's adapter without starting Dawn in this process. Default: {@link probeDawnAdapter}
   * (a child process) for the real package; none (probe in this process) with an injected `importer`.
   */
  readonly probe?: (flags: readonly string[]) => Promise<DawnProbeResult>;
}

// A string variable keeps bundlers from resolving this optional package at build time.
const dawnPackage = 'webgpu';

const driverHint =
  'a Vulkan driver for your GPU (NVIDIA: the driver ships one; point VK_DRIVER_FILES or VK_ICD_FILENAMES at its ICD json if it is not found). ' +
  "For a software adapter, Debian's chromium package ships SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.";
const installHint = `On Linux, Dawn needs the Vulkan loader (Debian/Ubuntu: \`apt-get install libvulkan1\`) and ${driverHint}`;

/**
 * WebGPU in Node through Dawn (the npm package `webgpu`, an optional peer dependency). It installs
 * `navigator.gpu` and the WebGPU globals *before* loading tfjs-backend-webgpu, which registers
 * itself at import only when `navigator.gpu` exists.
 *
 * @example
 * ```ts
 * const info = await useBackend({ backend: 'webgpu' }); // needs `npm install webgpu`
 * ```
 */
export function dawnWebGpuAdapter(options: DawnWebGpuAdapterOptions = {}): ExplainedBackendAdapter {
  const importer = options.importer ?? (() => import(dawnPackage) as Promise<DawnModule>);
  const checkVulkan = options.vulkan ?? (() => vulkanAvailability());
  // The real package is probed in a child process (its native warnings stay there); an injected
  // importer (tests, custom builds) is probed in this process.
  const probe = options.probe ?? (options.importer ? undefined : probeDawnAdapter);
  const flags = options.dawnFlags ?? [];

  /** Starts Dawn in this process and installs the WebGPU globals. */
  const open = async () => {
    const dawn = await importer();
    for (const [name, value] of Object.entries(dawn.globals)) {
      if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    }
    const gpu = dawn.create(flags);
    return { gpu, adapter: await gpu.requestAdapter({ powerPreference: 'high-performance' }) };
  };
  type Found =
    | { adapter: DawnAdapterLike | null; open: () => Promise<{ gpu: DawnGpuLike; adapter: DawnAdapterLike | null }> }
    | { error: string; short: string };
  const notInstalled = (detail: string): { error: string; short: string } => ({
    error: `the package webgpu (Dawn) is not installed or failed to load (${detail}). Run \`npm install webgpu\`.`,
    short: 'package webgpu not installed or failed to load',
  });
  let found: Promise<Found> | undefined;
  const find = () =>
    (found ??= (async (): Promise<Found> => {
      const vulkan = checkVulkan();
      if (!vulkan.available) {
        return {
          error: `Dawn cannot start: ${vulkan.detail}. It needs ${driverHint}`,
          short: vulkan.missing === 'loader' ? 'no Vulkan loader (libvulkan.so.1)' : 'no Vulkan driver',
        };
      }
      if (probe) {
        const result = await probe(flags);
        if ('failed' in result) {
          return result.failed === 'not-installed'
            ? notInstalled(result.detail)
            : { error: `Dawn failed while looking for an adapter: ${result.detail}`, short: 'Dawn failed to start' };
        }
        return { adapter: result.adapter, open };
      }
      try {
        const opened = await open();
        return { adapter: opened.adapter, open: async () => opened };
      } catch (error) {
        return notInstalled(String(error));
      }
    })());

  const isSoftware = (adapter: DawnAdapterLike) =>
    adapter.info.isFallbackAdapter || adapter.info.architecture === 'swiftshader';

  const unavailableReason = async (): Promise<UnavailableReason | undefined> => {
    const result = await find();
    if ('error' in result) return { reason: result.short };
    if (!result.adapter) return { reason: 'Dawn found no GPU adapter' };
    if (isSoftware(result.adapter) && options.allowSoftware !== true) {
      return { reason: `only a software adapter (${result.adapter.info.description}), slower than WASM` };
    }
    return undefined;
  };

  return {
    name: 'webgpu',
    unavailableReason,
    isAvailable: async () => (await unavailableReason()) === undefined,
    async init(): Promise<BackendInfo> {
      const result = await find();
      if ('error' in result) throw new BackendUnavailableError('webgpu', result.error);
      if (!result.adapter) throw new BackendUnavailableError('webgpu', `Dawn found no GPU adapter. ${installHint}`);
      if (isSoftware(result.adapter) && options.allowSoftware !== true) {
        throw new BackendUnavailableError(
          'webgpu',
          `the only adapter is a software one (${result.adapter.info.description}); force 'webgpu' to use it anyway. ${installHint}`,
        );
      }
      let opened: { gpu: DawnGpuLike; adapter: DawnAdapterLike | null };
      try {
        opened = await result.open();
      } catch (error) {
        throw new BackendUnavailableError('webgpu', notInstalled(String(error)).error);
      }
      if (!opened.adapter) throw new BackendUnavailableError('webgpu', `Dawn found no GPU adapter. ${installHint}`);
      installNavigatorGpu(opened.gpu);
      await import('@tensorflow/tfjs-backend-webgpu');
      registerWebGpuKernelFixes();
      if (!(await tf.setBackend('webgpu'))) {
        throw new BackendUnavailableError(
          'webgpu',
          'tfjs could not start its webgpu backend on the Dawn adapter (see the warning above).',
        );
      }
      await tf.ready();
      const info = opened.adapter.info;
      const software = isSoftware(opened.adapter);
      return {
        name: 'webgpu',
        device: `WebGPU (Dawn): ${[info.vendor, info.architecture, info.description].filter(Boolean).join(' ')}${software ? ' [software]' : ''}`,
        isGpu: !software,
        threads: 0,
      };
    },
  };
}

function installNavigatorGpu(gpu: DawnGpuLike): void {
  const existing = (globalThis as { navigator?: object }).navigator;
  if (existing) {
    // Node >= 21 has a global navigator without `gpu`.
    if (!('gpu' in existing)) Object.defineProperty(existing, 'gpu', { value: gpu, configurable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
}
