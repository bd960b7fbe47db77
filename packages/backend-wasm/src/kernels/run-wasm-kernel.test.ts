import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '@ganforge/core';

import { runWasmKernel, withWasmKernelScope } from './run-wasm-kernel.js';

describe('withWasmKernelScope', () => {
  let backend: BackendWasm;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    backend = tf.backend() as BackendWasm;
  });

  it('keeps only the returned output, including a reshape of an intermediate', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const before = backend.numDataIds();
    const result = withWasmKernelScope(backend, ({ run }) => {
      const transposed = run('Transpose', { x }, { perm: [1, 0] });
      run('Transpose', { x: transposed }, { perm: [1, 0] });
      return run('Reshape', { x: transposed }, { shape: [6] });
    });
    expect(backend.numDataIds()).toBe(before + 1);
    expect(Array.from(backend.readSync(result.dataId) as Float32Array)).toEqual([1, 4, 2, 5, 3, 6]);
    backend.disposeData(result.dataId);
    expect(backend.numDataIds()).toBe(before);
    x.dispose();
  });

  it('disposes every intermediate when the body throws', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const before = backend.numDataIds();
    expect(() =>
      withWasmKernelScope(backend, ({ run }) => {
        run('Reverse', { x }, { dims: [0] });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(backend.numDataIds()).toBe(before);
    x.dispose();
  });

  it('refuses to return a tensor it does not own (it would be freed twice)', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const xInfo = { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    expect(() => withWasmKernelScope(backend, () => xInfo)).toThrow(/made inside the scope/);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
    x.dispose();
  });

  it('names the kernel when it is not registered', () => {
    expect(() => runWasmKernel(backend, 'NoSuchKernel', {})).toThrow(BackendUnavailableError);
    expect(() => runWasmKernel(backend, 'NoSuchKernel', {})).toThrow(/NoSuchKernel/);
  });
});
