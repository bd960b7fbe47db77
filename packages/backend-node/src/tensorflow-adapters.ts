import { existsSync } from 'node:fs';

import type { BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import type { ExplainedBackendAdapter } from './explained-backend-adapter.js';

/**
 * The subset of `@tensorflow/tfjs-node(-gpu)` this adapter uses. Both packages register a
 * 'tensorflow' backend when imported; neither can be installed on machines that cannot download
 * libtensorflow, so they stay optional peers loaded on demand.
 */
export interface TensorflowNodeModule {
  readonly version?: { readonly 'tfjs-node'?: string };
}

export type TensorflowNodeImporter = () => Promise<TensorflowNodeModule>;

function makeTensorflowAdapter(options: {
  name: 'tensorflow' | 'tensorflow-gpu';
  packageName: string;
  importer: TensorflowNodeImporter;
  isGpu: boolean;
  /** Whether installing the package would help here (e.g. an NVIDIA driver is present for the GPU build). */
  worthInstalling: () => boolean;
  gain: string;
}): ExplainedBackendAdapter {
  let loaded: Promise<'loaded' | 'missing' | 'failed'> | undefined;
  const state = () =>
    (loaded ??= options
      .importer()
      .then(() => (tf.findBackendFactory('tensorflow') !== null ? ('loaded' as const) : ('failed' as const)))
      .catch((error: unknown) =>
        /Cannot find (package|module)|ERR_MODULE_NOT_FOUND/.test(String((error as { code?: string }).code ?? error))
          ? ('missing' as const)
          : ('failed' as const),
      ));
  const load = async () => (await state()) === 'loaded';
  return {
    name: options.name,
    isAvailable: load,
    async unavailableReason() {
      const current = await state();
      if (current === 'loaded') return undefined;
      const reason = current === 'missing' ? 'not installed' : 'failed to load';
      return options.worthInstalling()
        ? { reason, remedy: `${options.gain}: npm install ${options.packageName}` }
        : { reason };
    },
    async init(): Promise<BackendInfo> {
      if (!(await load())) {
        throw new BackendUnavailableError(
          options.name,
          `the package ${options.packageName} is not installed or its native library failed to load. ` +
            `Run \`npm install ${options.packageName}@^4.22.0\`${options.isGpu ? ' (needs CUDA 11.2 and cuDNN 8.1 on Linux)' : ''}.`,
        );
      }
      if (!(await tf.setBackend('tensorflow'))) {
        throw new BackendUnavailableError(options.name, 'tfjs could not start the tensorflow backend.');
      }
      await tf.ready();
      return {
        name: 'tensorflow',
        device: options.isGpu ? 'libtensorflow (CUDA)' : 'libtensorflow (CPU)',
        isGpu: options.isGpu,
        threads: 0,
      };
    },
  };
}

// String variables keep bundlers from trying to resolve these optional packages at build time.
const tfjsNodeGpu = '@tensorflow/tfjs-node-gpu';
const tfjsNode = '@tensorflow/tfjs-node';

/**
 * `@tensorflow/tfjs-node-gpu`: libtensorflow with CUDA. `useBackend()` suggests installing it only
 * where an NVIDIA driver is loaded (`/proc/driver/nvidia/version` exists).
 */
export function tensorflowGpuAdapter(
  importer: TensorflowNodeImporter = () => import(tfjsNodeGpu),
  hasNvidiaDriver: () => boolean = () => existsSync('/proc/driver/nvidia/version'),
): ExplainedBackendAdapter {
  return makeTensorflowAdapter({
    name: 'tensorflow-gpu',
    packageName: tfjsNodeGpu,
    importer,
    isGpu: true,
    worthInstalling: hasNvidiaDriver,
    gain: 'for CUDA speed',
  });
}

/** `@tensorflow/tfjs-node`: libtensorflow on the CPU (native kernels, multi-threaded). */
export function tensorflowCpuAdapter(
  importer: TensorflowNodeImporter = () => import(tfjsNode),
): ExplainedBackendAdapter {
  return makeTensorflowAdapter({
    name: 'tensorflow',
    packageName: tfjsNode,
    importer,
    isGpu: false,
    worthInstalling: () => true,
    gain: 'for native CPU speed',
  });
}
