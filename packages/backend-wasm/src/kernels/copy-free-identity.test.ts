import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { isCopyFreeIdentityWrapper } from './copy-free-identity.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';

// Reference values come from tfjs's `cpu` backend, whose Identity and same-dtype Cast share data too.

const heapOffset = (t: tf.Tensor) => (tf.engine().backend as BackendWasm).getMemoryOffset(t.dataId);

describe('copy-free Identity and same-dtype Cast on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    tf.env().set('IS_TEST', true);
  });

  it('is registered for Identity and Cast', () => {
    expect(isCopyFreeIdentityWrapper(tf.getKernel('Identity', 'wasm')!.kernelFunc)).toBe(true);
    expect(isCopyFreeIdentityWrapper(tf.getKernel('Cast', 'wasm')!.kernelFunc)).toBe(true);
  });

  it('shares the input’s data for clone and same-dtype cast, and copies for a dtype change', () => {
    const x = tf.tensor2d([1.5, -2, 3, 4], [2, 2]);
    const clone = x.clone();
    const same = tf.cast(x, 'float32');
    const ints = tf.cast(x, 'int32');
    expect(heapOffset(clone)).toBe(heapOffset(x));
    expect(heapOffset(same)).toBe(heapOffset(x));
    expect(heapOffset(ints)).not.toBe(heapOffset(x));
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3, 4]);
    tf.dispose([x, clone, same, ints]);
  });

  it('keeps a clone’s values after the original is disposed or a variable is assigned', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const clone = x.clone();
    x.dispose();
    expect(Array.from(await clone.data())).toEqual([1, 2, 3]);
    const variable = tf.variable(clone);
    const saved = variable.clone();
    variable.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(await saved.data())).toEqual([1, 2, 3]);
    expect(Array.from(await variable.data())).toEqual([7, 8, 9]);
    tf.dispose([clone, variable, saved]);
  });

  it('frees the heap once the last sharer is disposed (numTensors and data ids flat)', () => {
    const before = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) {
      const x = tf.randomNormal([3, 4]);
      const first = x.clone();
      const copies = [first, tf.cast(x, 'float32'), first.clone()];
      x.dispose();
      tf.dispose(copies);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore);
  });

  it('gives cpu’s gradients through ops whose inputs the engine saves by Identity', async () => {
    const values = Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => Math.sin(i));
    await expectWasmMatchesCpu(
      'moments, square, cast, clone',
      () => {
        const x = tf.tensor4d(values, [2, 3, 4, 5]);
        return [
          tf.grad((a: tf.Tensor) => {
            const { mean, variance } = tf.moments(a, [0, 1, 2]);
            return tf.cast(a, 'float32').clone().sub(mean).square().div(variance.add(1)).sum();
          })(x),
        ];
      },
      ['dx'],
    );
  });

  it('leaves string tensors to the stock kernel', () => {
    const s = tf.tensor1d(['a', 'b']);
    const clone = s.clone();
    expect(clone.dataSync()).toEqual(['a', 'b']);
    tf.dispose([s, clone]);
  });
});
