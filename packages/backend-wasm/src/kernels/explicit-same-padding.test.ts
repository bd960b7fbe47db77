import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, it } from 'vitest';

import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { seededRandom } from './test-support/seeded-random.js';

// Reference values come from tfjs's `cpu` backend.

describe("'same' padding of the wasm convolutions", () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    tf.env().set('IS_TEST', true);
  });

  it('matches cpu for filters narrower than the stride (stock wasm returned zeros)', async () => {
    const random = seededRandom(11);
    const x = random.values(2 * 6 * 7 * 3);
    const filter = random.values(2 * 1 * 3 * 4);
    const bias = random.values(4);
    await expectWasmMatchesCpu(
      'conv2d, fused conv2d, depthwise and fused depthwise, 2x1 filter, stride 2',
      () => {
        const input = tf.tensor4d(x, [2, 6, 7, 3]);
        const w = tf.tensor4d(filter, [2, 1, 3, 4]);
        const depthwise = tf.slice(w, [0, 0, 0, 0], [-1, -1, -1, 1]) as tf.Tensor4D;
        return [
          tf.conv2d(input, w, 2, 'same'),
          tf.fused.conv2d({
            x: input,
            filter: w,
            strides: 2,
            pad: 'same',
            bias: tf.tensor1d(bias),
            activation: 'relu',
          }),
          tf.depthwiseConv2d(input, depthwise, 2, 'same'),
          tf.fused.depthwiseConv2d({ x: input, filter: depthwise, strides: 2, pad: 'same', activation: 'relu' }),
        ];
      },
      ['conv2d', 'fused conv2d', 'depthwise', 'fused depthwise'],
    );
  });

  it('matches cpu on 60 random geometries with strides 1-3 and dilations (seeds 501..560)', async () => {
    for (let seed = 501; seed <= 560; seed++) {
      const random = seededRandom(seed);
      const [height, width, channels] = [random.integer(1, 9), random.integer(1, 9), random.integer(1, 4)];
      const [filterHeight, filterWidth] = [random.integer(1, 4), random.integer(1, 4)];
      const strides: [number, number] = [random.integer(1, 3), random.integer(1, 3)];
      // tfjs allows dilation only with stride 1.
      const dilations: [number, number] =
        strides[0] === 1 && strides[1] === 1 ? [random.integer(1, 2), random.integer(1, 2)] : [1, 1];
      const x = random.values(2 * height * width * channels);
      const filter = random.values(filterHeight * filterWidth * channels * 2);
      const label = `seed ${seed} x [2,${height},${width},${channels}] filter ${filterHeight}x${filterWidth} strides ${strides} dilations ${dilations}`;
      await expectWasmMatchesCpu(label, () => {
        const input = tf.tensor4d(x, [2, height, width, channels]);
        const w = tf.tensor4d(filter, [filterHeight, filterWidth, channels, 2]);
        return [
          tf.conv2d(input, w, strides, 'same', 'NHWC', dilations),
          tf.fused.conv2d({ x: input, filter: w, strides, pad: 'same', dilations, activation: 'linear' }),
          tf.depthwiseConv2d(input, w, strides, 'same', 'NHWC', dilations),
          tf.fused.depthwiseConv2d({ x: input, filter: w, strides, pad: 'same', dilations }),
        ];
      }, ['conv2d', 'fused conv2d', 'depthwise', 'fused depthwise']);
    }
  });
});
