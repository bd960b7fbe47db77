import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it, vi } from 'vitest';

import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-conv2d-backprop-input.js';
import { isExplicitSamePaddingWrapper } from './explicit-same-padding.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { computeOn, expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { seededRandom } from './test-support/seeded-random.js';
import { tileConfig } from './tile.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

// This file registers BEFORE the wasm backend is initialised; the kernel test files register after.
const wasmInitialisedBeforeRegistration = 'wasm' in tf.engine().registry;
registerWasmTrainingKernels();

const ourKernels = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  tileConfig,
  unsortedSegmentSumConfig,
];

/** Gradients of a small conv + conv2dTranspose + BatchNorm + depthwise net: every kernel this folder adds. */
function everyKernel(seed: number): () => tf.Tensor[] {
  const random = seededRandom(seed);
  const xValues = random.values(2 * 10 * 10 * 3);
  const convValues = random.values(4 * 4 * 3 * 5);
  const transposeValues = random.values(4 * 4 * 3 * 5);
  const depthwiseValues = random.values(3 * 3 * 3 * 2);
  return () => {
    const x = tf.tensor4d(xValues, [2, 10, 10, 3]);
    const convFilter = tf.tensor4d(convValues, [4, 4, 3, 5]);
    const transposeFilter = tf.tensor4d(transposeValues, [4, 4, 3, 5]);
    const depthwiseFilter = tf.tensor4d(depthwiseValues, [3, 3, 3, 2]);
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => {
      const down = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same');
      const up = tf.conv2dTranspose(tf.tanh(down), c as tf.Tensor4D, [2, 10, 10, 3], 2, 'same');
      // BatchNorm's gradient tiles per-channel values (Tile).
      const { mean, variance } = tf.moments(up, [0, 1, 2]);
      const normalized = tf.batchNorm(up, mean, variance, tf.zeros([3]), tf.ones([3]), 1e-3);
      return tf
        .depthwiseConv2d(normalized as tf.Tensor4D, d as tf.Tensor4D, 2, 'valid')
        .square()
        .sum();
    };
    return tf.grads(loss)([x, convFilter, transposeFilter, depthwiseFilter]);
  };
}

describe('registerWasmTrainingKernels', () => {
  it('works when called before tf.setBackend("wasm")', async () => {
    expect(wasmInitialisedBeforeRegistration).toBe(false);
    await expectWasmMatchesCpu('every kernel, registered before init', everyKernel(1), [
      'dx',
      'dConv',
      'dTranspose',
      'dDepthwise',
    ]);
  });

  it('registers the missing kernels, replaces Conv2DBackpropInput and Tile, and is idempotent', async () => {
    await tf.setBackend('wasm');
    const warn = vi.spyOn(console, 'warn');
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    for (const config of ourKernels) {
      expect(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc, config.kernelName).toBe(config.kernelFunc);
    }
    for (const kernelName of ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D']) {
      const kernel = tf.getKernel(kernelName, 'wasm');
      expect(kernel !== undefined && isExplicitSamePaddingWrapper(kernel.kernelFunc), kernelName).toBe(true);
    }
  });

  it('leaks no tensors, no backend data and no wasm memory across repeated calls', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const compute = everyKernel(2);
    const once = () => tf.dispose(tf.tidy(compute));
    for (let i = 0; i < 3; i++) once();
    const tensorsBefore = tf.memory().numTensors;
    const dataIdsBefore = backend.numDataIds();
    // XNNPACK operators (with their packed weights) live in C++ and are freed when their filter
    // tensor is disposed; a leak would show up as heap growth.
    // HEAPU8 is on the Emscripten module but not in tfjs's typings.
    const heapBytes = () => (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
    const heapBefore = heapBytes();
    for (let i = 0; i < 30; i++) once();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(backend.numDataIds()).toBe(dataIdsBefore);
    expect(heapBytes()).toBe(heapBefore);
  });

  it('trains: three Adam steps of a tiny conv generator + discriminator end where cpu ends', async () => {
    // Same initial weights and data on both backends; the trained weights must agree.
    const random = seededRandom(5);
    const initial = {
      up: random.values(4 * 4 * 4 * 6),
      down: random.values(4 * 4 * 4 * 6),
      dense: random.values(4 * 4 * 6),
      z: random.values(3 * 4 * 4 * 6),
    };
    const train = (): tf.Tensor[] => {
      const up = tf.variable(tf.tensor4d(initial.up, [4, 4, 4, 6]).mul(0.2));
      const down = tf.variable(tf.tensor4d(initial.down, [4, 4, 4, 6]).mul(0.2));
      const dense = tf.variable(tf.tensor2d(initial.dense, [4 * 4 * 6, 1]).mul(0.2));
      const z = tf.tensor4d(initial.z, [3, 4, 4, 6]);
      const optimizer = tf.train.adam(0.01);
      for (let step = 0; step < 3; step++) {
        optimizer.minimize(() => {
          const image = tf.tanh(tf.conv2dTranspose(z, up as tf.Tensor4D, [3, 8, 8, 4], 2, 'same'));
          const features = tf.leakyRelu(tf.conv2d(image, down as tf.Tensor4D, 2, 'same'), 0.2);
          const logits = tf.matMul(tf.reshape(features, [3, -1]), dense);
          return tf.losses.sigmoidCrossEntropy(tf.onesLike(logits), logits) as tf.Scalar;
        });
      }
      const trained = [up, down, dense].map((v) => v.clone());
      optimizer.dispose();
      tf.dispose([up, down, dense]);
      return trained;
    };
    const reference = await computeOn('cpu', train);
    const actual = await computeOn('wasm', train);
    reference.forEach((expected, index) => {
      const error = Math.max(...expected.map((value, i) => Math.abs(value - actual[index]![i]!)));
      expect(error, `weight ${index} after 3 steps`).toBeLessThan(1e-4);
    });
  });
});
