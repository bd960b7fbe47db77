import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

/** tfjs's plain JavaScript backend: always there, too slow to train convolutions. */
export const browserCpuAdapter: BackendAdapter = {
  name: 'cpu',
  isAvailable: async () => tf.findBackendFactory('cpu') !== null,
  async init(): Promise<BackendInfo> {
    if (!(await tf.setBackend('cpu')))
      throw new BackendUnavailableError('cpu', 'tfjs could not start its cpu backend.');
    await tf.ready();
    return { name: 'cpu', device: 'JavaScript CPU', isGpu: false, threads: 1 };
  },
};
