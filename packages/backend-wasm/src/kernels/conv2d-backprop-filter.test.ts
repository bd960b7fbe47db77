import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { createConv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import { expectWasmMatchesCpu } from './test-support/compare-with-cpu.js';
import {
  type ConvCase,
  describeCase,
  forwardOutputShape,
  padInFormat,
  randomConvCase,
} from './test-support/conv-cases.js';
import { seededRandom } from './test-support/seeded-random.js';
import { withWasmKernel } from './test-support/with-wasm-kernel.js';

// Reference values come from tfjs's `cpu` backend, which sums the convolution gradients directly.

type Shape4 = [number, number, number, number];

/** conv2d forward, dx and dW for one case, through the public op and tf.grads. */
function conv2dGradients(c: ConvCase, seed: number): () => tf.Tensor[] {
  const random = seededRandom(seed);
  const outShape = forwardOutputShape(c)!;
  const xShape: Shape4 = [c.batch, c.height, c.width, c.inChannels];
  const filterShape: Shape4 = [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels];
  const xValues = random.values(tf.util.sizeFromShape(xShape));
  const filterValues = random.values(tf.util.sizeFromShape(filterShape));
  const dyValues = random.values(tf.util.sizeFromShape(outShape));
  const conv = (x: tf.Tensor, filter: tf.Tensor) =>
    tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad, 'NHWC', 1, c.dimRoundingMode);
  return () => {
    const x = tf.tensor4d(xValues, xShape);
    const filter = tf.tensor4d(filterValues, filterShape);
    return [conv(x, filter), ...tf.grads(conv)([x, filter], tf.tensor4d(dyValues, outShape))];
  };
}

/** The Conv2DBackpropFilter kernel called directly, so that dimRoundingMode and NCHW reach it. */
function backpropFilterKernel(c: ConvCase, seed: number, dataFormat: 'NHWC' | 'NCHW'): () => tf.Tensor[] {
  const random = seededRandom(seed);
  const [, outHeight, outWidth] = forwardOutputShape(c)!;
  const toFormat = (shape: Shape4): Shape4 =>
    dataFormat === 'NHWC' ? shape : [shape[0], shape[3], shape[1], shape[2]];
  const xShape = toFormat([c.batch, c.height, c.width, c.inChannels]);
  const dyShape = toFormat([c.batch, outHeight, outWidth, c.outChannels]);
  const xValues = random.values(tf.util.sizeFromShape(xShape));
  const dyValues = random.values(tf.util.sizeFromShape(dyShape));
  const attrs = {
    strides: c.strides,
    pad: padInFormat(c.pad, dataFormat),
    dataFormat,
    dimRoundingMode: c.dimRoundingMode,
    filterShape: [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels],
  };
  return () => [
    tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x: tf.tensor4d(xValues, xShape), dy: tf.tensor4d(dyValues, dyShape) },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor,
  ];
}

const handPicked: ConvCase[] = [
  // DCGAN-28 discriminator layers, smaller batch.
  {
    batch: 2,
    height: 28,
    width: 28,
    inChannels: 1,
    outChannels: 8,
    filterHeight: 4,
    filterWidth: 4,
    strides: [2, 2],
    pad: 'same',
  },
  {
    batch: 2,
    height: 14,
    width: 14,
    inChannels: 8,
    outChannels: 8,
    filterHeight: 4,
    filterWidth: 4,
    strides: [2, 2],
    pad: 'same',
  },
  // Odd sizes, non-square kernels and strides.
  {
    batch: 3,
    height: 5,
    width: 7,
    inChannels: 3,
    outChannels: 2,
    filterHeight: 3,
    filterWidth: 3,
    strides: [1, 1],
    pad: 'same',
  },
  {
    batch: 1,
    height: 5,
    width: 7,
    inChannels: 2,
    outChannels: 3,
    filterHeight: 3,
    filterWidth: 2,
    strides: [2, 3],
    pad: 'valid',
  },
  {
    batch: 2,
    height: 7,
    width: 5,
    inChannels: 4,
    outChannels: 5,
    filterHeight: 5,
    filterWidth: 5,
    strides: [3, 3],
    pad: 'same',
  },
  {
    batch: 2,
    height: 9,
    width: 8,
    inChannels: 3,
    outChannels: 4,
    filterHeight: 1,
    filterWidth: 1,
    strides: [2, 2],
    pad: 'valid',
  },
  {
    batch: 1,
    height: 1,
    width: 1,
    inChannels: 3,
    outChannels: 2,
    filterHeight: 1,
    filterWidth: 1,
    strides: [1, 1],
    pad: 'valid',
  },
  {
    batch: 2,
    height: 1,
    width: 1,
    inChannels: 2,
    outChannels: 3,
    filterHeight: 3,
    filterWidth: 3,
    strides: [2, 2],
    pad: 'same',
  },
  // Filter smaller than the stride: some input rows are never read.
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
    outChannels: 3,
    filterHeight: 4,
    filterWidth: 4,
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
  // Padding wider than the filter: whole output rows see zeros only.
  {
    batch: 1,
    height: 3,
    width: 3,
    inChannels: 1,
    outChannels: 2,
    filterHeight: 2,
    filterWidth: 2,
    strides: [1, 1],
    pad: [
      [0, 0],
      [3, 3],
      [3, 0],
      [0, 0],
    ],
  },
];

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    // Registered after the backend is initialised, as an application would.
    registerWasmTrainingKernels();
    // Makes the engine throw if a kernel leaves more data on the backend than it returns.
    tf.env().set('IS_TEST', true);
  });

  it.each(handPicked.map((c, index) => [describeCase(c), c, index] as const))(
    'tf.grads of tf.conv2d matches cpu: %s',
    async (label, c, index) => {
      await expectWasmMatchesCpu(label, conv2dGradients(c, 1000 + index), ['y', 'dx', 'dW']);
    },
  );

  it.each(['auto', 'dilatedCorrelation', 'patchesMatMul', 'im2colMatMul'] as const)(
    'tf.grads of tf.conv2d matches cpu on 150 random geometries (seeds 1..150), strategy %s',
    async (strategy) => {
      await withWasmKernel(createConv2DBackpropFilterConfig(strategy), async () => {
        for (let seed = 1; seed <= 150; seed++) {
          const c = randomConvCase(seededRandom(seed));
          await expectWasmMatchesCpu(`${strategy} seed ${seed} ${describeCase(c)}`, conv2dGradients(c, seed), [
            'y',
            'dx',
            'dW',
          ]);
        }
      });
    },
  );

  it.each(['dilatedCorrelation', 'patchesMatMul', 'im2colMatMul'] as const)(
    'the kernel matches cpu with dimRoundingMode and NCHW on 80 random geometries (seeds 1001..1080), strategy %s',
    async (strategy) => {
      await withWasmKernel(createConv2DBackpropFilterConfig(strategy), async () => {
        for (let seed = 1001; seed <= 1080; seed++) {
          const c = randomConvCase(seededRandom(seed), false, true);
          const dataFormat = seed % 2 === 0 ? 'NCHW' : 'NHWC';
          await expectWasmMatchesCpu(
            `${strategy} seed ${seed} ${dataFormat} ${describeCase(c)}`,
            backpropFilterKernel(c, seed, dataFormat),
            ['dW'],
          );
        }
      });
    },
  );

  it('im2colMatMul matches cpu when it builds patches one image at a time (maxPatchFloats 1), 60 random geometries (seeds 401..460)', async () => {
    await withWasmKernel(createConv2DBackpropFilterConfig('im2colMatMul', { maxPatchFloats: 1 }), async () => {
      for (let seed = 401; seed <= 460; seed++) {
        const c = { ...randomConvCase(seededRandom(seed)), batch: 3 };
        await expectWasmMatchesCpu(`chunked seed ${seed} ${describeCase(c)}`, conv2dGradients(c, seed), [
          'y',
          'dx',
          'dW',
        ]);
      }
    });
  });

  it.each(['auto', 'im2colMatMul'] as const)(
    'strategy %s keeps tf.memory().numTensors and the backend data flat across repeated gradients',
    async (strategy) => {
      await withWasmKernel(createConv2DBackpropFilterConfig(strategy, { maxPatchFloats: 100 }), async () => {
        const c: ConvCase = {
          batch: 3,
          height: 9,
          width: 8,
          inChannels: 2,
          outChannels: 5,
          filterHeight: 4,
          filterWidth: 4,
          strides: [2, 2],
          pad: 'same',
        };
        const compute = conv2dGradients(c, 7);
        tf.dispose(tf.tidy(compute));
        const tensors = tf.memory().numTensors;
        const dataIds = tf.engine().backend.numDataIds();
        for (let step = 0; step < 3; step++) tf.dispose(tf.tidy(compute));
        expect(tf.memory().numTensors).toBe(tensors);
        expect(tf.engine().backend.numDataIds()).toBe(dataIds);
      });
    },
  );
});
