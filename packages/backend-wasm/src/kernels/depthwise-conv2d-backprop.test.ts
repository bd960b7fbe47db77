import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import { type ConvCase, describeCase, forwardOutputShape, randomConvCase } from './test-support/conv-cases.js';
import { seededRandom } from './test-support/seeded-random.js';

// Reference values come from tfjs's `cpu` backend, which sums the convolution gradients directly.

type Shape4 = [number, number, number, number];

/** depthwiseConv2d forward, dx and dW; `outChannels` is the channel multiplier. */
function depthwiseGradients(c: ConvCase, seed: number): () => tf.Tensor[] {
  const random = seededRandom(seed);
  const outShape = forwardOutputShape(c, true)!;
  const xShape: Shape4 = [c.batch, c.height, c.width, c.inChannels];
  const filterShape: Shape4 = [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels];
  const xValues = random.values(tf.util.sizeFromShape(xShape));
  const filterValues = random.values(tf.util.sizeFromShape(filterShape));
  const dyValues = random.values(tf.util.sizeFromShape(outShape));
  const conv = (x: tf.Tensor, filter: tf.Tensor) =>
    tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad, 'NHWC', 1, c.dimRoundingMode);
  return () => {
    const x = tf.tensor4d(xValues, xShape);
    const filter = tf.tensor4d(filterValues, filterShape);
    return [conv(x, filter), ...tf.grads(conv)([x, filter], tf.tensor4d(dyValues, outShape))];
  };
}

const handPicked: ConvCase[] = [
  // MobileNet-like 3x3 stride 1 and 2.
  {
    batch: 2,
    height: 8,
    width: 8,
    inChannels: 4,
    outChannels: 1,
    filterHeight: 3,
    filterWidth: 3,
    strides: [1, 1],
    pad: 'same',
  },
  {
    batch: 2,
    height: 9,
    width: 7,
    inChannels: 3,
    outChannels: 1,
    filterHeight: 3,
    filterWidth: 3,
    strides: [2, 2],
    pad: 'same',
  },
  // Channel multipliers.
  {
    batch: 1,
    height: 6,
    width: 5,
    inChannels: 2,
    outChannels: 3,
    filterHeight: 3,
    filterWidth: 2,
    strides: [2, 3],
    pad: 'valid',
  },
  {
    batch: 3,
    height: 5,
    width: 7,
    inChannels: 3,
    outChannels: 2,
    filterHeight: 4,
    filterWidth: 4,
    strides: [3, 3],
    pad: 'same',
  },
  {
    batch: 2,
    height: 1,
    width: 1,
    inChannels: 2,
    outChannels: 2,
    filterHeight: 1,
    filterWidth: 1,
    strides: [1, 1],
    pad: 'valid',
  },
  {
    batch: 2,
    height: 8,
    width: 8,
    inChannels: 2,
    outChannels: 2,
    filterHeight: 1,
    filterWidth: 2,
    strides: [3, 3],
    pad: 'same',
  },
  {
    batch: 1,
    height: 10,
    width: 6,
    inChannels: 2,
    outChannels: 1,
    filterHeight: 5,
    filterWidth: 5,
    strides: [2, 2],
    pad: 2,
  },
  {
    batch: 2,
    height: 6,
    width: 7,
    inChannels: 3,
    outChannels: 2,
    filterHeight: 3,
    filterWidth: 4,
    strides: [2, 1],
    pad: [
      [0, 0],
      [2, 0],
      [0, 3],
      [0, 0],
    ],
  },
];

describe('DepthwiseConv2dNativeBackpropFilter and DepthwiseConv2dNativeBackpropInput on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    // Makes the engine throw if a kernel leaves more data on the backend than it returns.
    tf.env().set('IS_TEST', true);
  });

  it.each(handPicked.map((c, index) => [describeCase(c), c, index] as const))(
    'tf.grads of tf.depthwiseConv2d matches cpu: %s',
    async (label, c, index) => {
      await expectWasmMatchesCpu(label, depthwiseGradients(c, 3000 + index), ['y', 'dx', 'dW']);
    },
  );

  it('tf.grads of tf.depthwiseConv2d matches cpu on 120 random geometries (seeds 401..520)', async () => {
    for (let seed = 401; seed <= 520; seed++) {
      const c = randomConvCase(seededRandom(seed), true);
      await expectWasmMatchesCpu(`seed ${seed} ${describeCase(c)}`, depthwiseGradients(c, seed), ['y', 'dx', 'dW']);
    }
  });

  it('rejects dilations other than 1, which tfjs gradients never use', () => {
    const dy = tf.zeros([1, 4, 4, 2]);
    const filter = tf.zeros([3, 3, 2, 1]);
    expect(() =>
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, {
        strides: 1,
        pad: 'same',
        dilations: 2,
        inputShape: [1, 4, 4, 2],
      } as unknown as tf.NamedAttrMap),
    ).toThrow(/dilations/);
    tf.dispose([dy, filter]);
  });
});
