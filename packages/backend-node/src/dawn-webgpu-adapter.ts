import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

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
}

// A string variable keeps bundlers from resolving this optional package at build time.
const dawnPackage = 'webgpu';

const installHint =
  'On Linux, Dawn needs the Vulkan loader (Debian/Ubuntu: `apt-get install libvulkan1`) and a Vulkan driver for your GPU ' +
  '(NVIDIA: the driver ships one; point VK_DRIVER_FILES or VK_ICD_FILENAMES at its ICD json if it is not found). ' +
  "For a software adapter, Debian's chromium package ships SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.";

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
export function dawnWebGpuAdapter(options: DawnWebGpuAdapterOptions = {}): BackendAdapter {
  const importer = options.importer ?? (() => import(dawnPackage) as Promise<DawnModule>);
  let probe: Promise<{ gpu: DawnGpuLike; adapter: DawnAdapterLike | null } | { error: string }> | undefined;
  const load = () =>
    (probe ??= (async () => {
      let dawn: DawnModule;
      try {
        dawn = await importer();
      } catch (error) {
        return {
          error: `the package webgpu (Dawn) is not installed or failed to load (${String(error)}). Run \`npm install webgpu\`.`,
        };
      }
      for (const [name, value] of Object.entries(dawn.globals)) {
        if (!(name in globalThis))
          Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
      }
      const gpu = dawn.create(options.dawnFlags ?? []);
      return { gpu, adapter: await gpu.requestAdapter({ powerPreference: 'high-performance' }) };
    })());

  const isSoftware = (adapter: DawnAdapterLike) =>
    adapter.info.isFallbackAdapter || adapter.info.architecture === 'swiftshader';

  return {
    name: 'webgpu',
    async isAvailable() {
      const result = await load();
      return (
        'adapter' in result &&
        result.adapter !== null &&
        (options.allowSoftware === true || !isSoftware(result.adapter))
      );
    },
    async init(): Promise<BackendInfo> {
      const result = await load();
      if ('error' in result) throw new BackendUnavailableError('webgpu', result.error);
      if (!result.adapter) throw new BackendUnavailableError('webgpu', `Dawn found no GPU adapter. ${installHint}`);
      if (isSoftware(result.adapter) && options.allowSoftware !== true) {
        throw new BackendUnavailableError(
          'webgpu',
          `the only adapter is a software one (${result.adapter.info.description}); force 'webgpu' to use it anyway. ${installHint}`,
        );
      }
      installNavigatorGpu(result.gpu);
      await import('@tensorflow/tfjs-backend-webgpu');
      if (!(await tf.setBackend('webgpu'))) {
        throw new BackendUnavailableError(
          'webgpu',
          'tfjs could not start its webgpu backend on the Dawn adapter (see the warning above).',
        );
      }
      await tf.ready();
      const info = result.adapter.info;
      const software = isSoftware(result.adapter);
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
