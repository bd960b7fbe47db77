import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

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
}): BackendAdapter {
  let loaded: Promise<boolean> | undefined;
  const load = () =>
    (loaded ??= options
      .importer()
      .then(() => tf.findBackendFactory('tensorflow') !== null)
      .catch(() => false));
  return {
    name: options.name,
    isAvailable: load,
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

export function tensorflowGpuAdapter(importer: TensorflowNodeImporter = () => import(tfjsNodeGpu)): BackendAdapter {
  return makeTensorflowAdapter({ name: 'tensorflow-gpu', packageName: tfjsNodeGpu, importer, isGpu: true });
}

export function tensorflowCpuAdapter(importer: TensorflowNodeImporter = () => import(tfjsNode)): BackendAdapter {
  return makeTensorflowAdapter({ name: 'tensorflow', packageName: tfjsNode, importer, isGpu: false });
}
