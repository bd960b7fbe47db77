import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { prefersMatMulCol2im } from './col2im-backprop-input.js';
import { createConv2DBackpropInputConfig } from './conv2d-backprop-input.js';
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

/**
 * conv2dTranspose forward (a Conv2DBackpropInput) and its gradients for the convolution `c`
 * read backwards: x has the conv's output shape, the result the conv's input shape.
 */
function conv2dTransposeWithGradients(c: ConvCase, seed: number): () => tf.Tensor[] {
  const random = seededRandom(seed);
  const xShape = forwardOutputShape(c)!;
  const outputShape: Shape4 = [c.batch, c.height, c.width, c.inChannels];
  const filterShape: Shape4 = [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels];
  const xValues = random.values(tf.util.sizeFromShape(xShape));
  const filterValues = random.values(tf.util.sizeFromShape(filterShape));
  const dyValues = random.values(tf.util.sizeFromShape(outputShape));
  const pad = c.pad as Parameters<typeof tf.conv2dTranspose>[4];
  return () => {
    const x = tf.tensor4d(xValues, xShape);
    const filter = tf.tensor4d(filterValues, filterShape);
    const y = tf.conv2dTranspose(x, filter, outputShape, c.strides, pad);
    const gradients = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outputShape, c.strides, pad),
    )([x, filter], tf.tensor4d(dyValues, outputShape));
    return [y, ...gradients];
  };
}

/** The Conv2DBackpropInput kernel called directly, so that dimRoundingMode and NCHW reach it. */
function backpropInputKernel(c: ConvCase, seed: number, dataFormat: 'NHWC' | 'NCHW'): () => tf.Tensor[] {
  const random = seededRandom(seed);
  const [, outHeight, outWidth] = forwardOutputShape(c)!;
  const toFormat = (shape: Shape4): Shape4 =>
    dataFormat === 'NHWC' ? shape : [shape[0], shape[3], shape[1], shape[2]];
  const inputShape = toFormat([c.batch, c.height, c.width, c.inChannels]);
  const dyShape = toFormat([c.batch, outHeight, outWidth, c.outChannels]);
  const filterShape: Shape4 = [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels];
  const dyValues = random.values(tf.util.sizeFromShape(dyShape));
  const filterValues = random.values(tf.util.sizeFromShape(filterShape));
  const attrs = {
    strides: c.strides,
    pad: padInFormat(c.pad, dataFormat),
    dataFormat,
    dimRoundingMode: c.dimRoundingMode,
    inputShape,
  };
  return () => [
    tf
      .engine()
      .runKernel(
        'Conv2DBackpropInput',
        { dy: tf.tensor4d(dyValues, dyShape), filter: tf.tensor4d(filterValues, filterShape) },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor,
  ];
}

const handPicked: ConvCase[] = [
  // Strided, few dx channels, dy >= 16: 'auto' takes matMulCol2im (DCGAN RGB/grey output layers),
  // with odd sizes and batch 1; then the same at stride 1, where 'auto' keeps the plain conv.
  {
    batch: 2,
    height: 15,
    width: 13,
    inChannels: 3,
    outChannels: 16,
    filterHeight: 4,
    filterWidth: 4,
    strides: [2, 2],
    pad: 'same',
  },
  {
    batch: 1,
    height: 9,
    width: 11,
    inChannels: 1,
    outChannels: 20,
    filterHeight: 5,
    filterWidth: 3,
    strides: [3, 2],
    pad: 'valid',
  },
  {
    batch: 3,
    height: 8,
    width: 8,
    inChannels: 3,
    outChannels: 16,
    filterHeight: 9,
    filterWidth: 9,
    strides: [1, 1],
    pad: 'same',
  },
  // DCGAN-28 generator layers (conv2dTranspose 7 -> 14 -> 28), smaller batch and channels.
  {
    batch: 2,
    height: 14,
    width: 14,
    inChannels: 8,
    outChannels: 16,
    filterHeight: 4,
    filterWidth: 4,
    strides: [2, 2],
    pad: 'same',
  },
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
  // Stride 1 is a single phase.
  {
    batch: 2,
    height: 5,
    width: 7,
    inChannels: 3,
    outChannels: 4,
    filterHeight: 3,
    filterWidth: 3,
    strides: [1, 1],
    pad: 'same',
  },
  {
    batch: 1,
    height: 6,
    width: 5,
    inChannels: 2,
    outChannels: 3,
    filterHeight: 3,
    filterWidth: 2,
    strides: [1, 1],
    pad: 'valid',
  },
  // Odd sizes: the interleaved phases are cropped.
  {
    batch: 3,
    height: 5,
    width: 7,
    inChannels: 2,
    outChannels: 3,
    filterHeight: 3,
    filterWidth: 3,
    strides: [2, 2],
    pad: 'same',
  },
  {
    batch: 1,
    height: 9,
    width: 11,
    inChannels: 3,
    outChannels: 2,
    filterHeight: 5,
    filterWidth: 5,
    strides: [3, 3],
    pad: 'valid',
  },
  {
    batch: 2,
    height: 7,
    width: 8,
    inChannels: 2,
    outChannels: 2,
    filterHeight: 4,
    filterWidth: 3,
    strides: [3, 2],
    pad: 'same',
  },
  {
    batch: 2,
    height: 6,
    width: 9,
    inChannels: 4,
    outChannels: 1,
    filterHeight: 2,
    filterWidth: 5,
    strides: [1, 3],
    pad: 'valid',
  },
  // Filter smaller than the stride: phases without taps are zero.
  {
    batch: 2,
    height: 9,
    width: 9,
    inChannels: 2,
    outChannels: 3,
    filterHeight: 1,
    filterWidth: 1,
    strides: [3, 3],
    pad: 'valid',
  },
  {
    batch: 1,
    height: 8,
    width: 7,
    inChannels: 3,
    outChannels: 2,
    filterHeight: 2,
    filterWidth: 1,
    strides: [3, 2],
    pad: 'same',
  },
  // 1x1 images.
  {
    batch: 2,
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
    batch: 1,
    height: 1,
    width: 1,
    inChannels: 2,
    outChannels: 2,
    filterHeight: 3,
    filterWidth: 3,
    strides: [2, 2],
    pad: 'same',
  },
  // Numeric and explicit pads, including pads larger than the filter.
  {
    batch: 1,
    height: 10,
    width: 10,
    inChannels: 2,
    outChannels: 3,
    filterHeight: 4,
    filterWidth: 4,
    strides: [2, 2],
    pad: 1,
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
  {
    batch: 1,
    height: 4,
    width: 5,
    inChannels: 2,
    outChannels: 2,
    filterHeight: 2,
    filterWidth: 2,
    strides: [2, 3],
    pad: [
      [0, 0],
      [5, 1],
      [0, 6],
      [0, 0],
    ],
  },
];

describe('Conv2DBackpropInput on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    // Makes the engine throw if a kernel leaves more data on the backend than it returns.
    tf.env().set('IS_TEST', true);
  });

  it.each(handPicked.map((c, index) => [describeCase(c), c, index] as const))(
    'tf.conv2dTranspose and its gradients match cpu: %s',
    async (label, c, index) => {
      await expectWasmMatchesCpu(label, conv2dTransposeWithGradients(c, 2000 + index), ['y', 'dx', 'dFilter']);
    },
  );

  it.each(['auto', 'perPhase', 'mergedPhases', 'matMulCol2im'] as const)(
    'tf.conv2dTranspose and its gradients match cpu on 150 random geometries (seeds 201..350), strategy %s',
    async (strategy) => {
      await withWasmKernel(createConv2DBackpropInputConfig(strategy), async () => {
        for (let seed = 201; seed <= 350; seed++) {
          const c = randomConvCase(seededRandom(seed));
          await expectWasmMatchesCpu(
            `${strategy} seed ${seed} ${describeCase(c)}`,
            conv2dTransposeWithGradients(c, seed),
            ['y', 'dx', 'dFilter'],
          );
        }
      });
    },
  );

  it.each(['perPhase', 'mergedPhases', 'matMulCol2im'] as const)(
    'the kernel matches cpu with dimRoundingMode and NCHW on 80 random geometries (seeds 2001..2080), strategy %s',
    async (strategy) => {
      await withWasmKernel(createConv2DBackpropInputConfig(strategy), async () => {
        for (let seed = 2001; seed <= 2080; seed++) {
          const c = randomConvCase(seededRandom(seed), false, true);
          const dataFormat = seed % 2 === 0 ? 'NCHW' : 'NHWC';
          await expectWasmMatchesCpu(
            `${strategy} seed ${seed} ${dataFormat} ${describeCase(c)}`,
            backpropInputKernel(c, seed, dataFormat),
            ['dx'],
          );
        }
      });
    },
  );

  it('matMulCol2im matches cpu when it multiplies one image at a time (maxPatchFloats 1), 60 random geometries (seeds 401..460)', async () => {
    await withWasmKernel(createConv2DBackpropInputConfig('matMulCol2im', { maxPatchFloats: 1 }), async () => {
      for (let seed = 401; seed <= 460; seed++) {
        const c = { ...randomConvCase(seededRandom(seed)), batch: 3 };
        await expectWasmMatchesCpu(`chunked seed ${seed} ${describeCase(c)}`, conv2dTransposeWithGradients(c, seed), [
          'y',
          'dx',
          'dFilter',
        ]);
      }
    });
  });

  it.each(['auto', 'matMulCol2im'] as const)(
    'strategy %s keeps tf.memory().numTensors and the backend data flat across repeated gradients',
    async (strategy) => {
      await withWasmKernel(createConv2DBackpropInputConfig(strategy, { maxPatchFloats: 100 }), async () => {
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
        const compute = conv2dTransposeWithGradients(c, 7);
        tf.dispose(tf.tidy(compute));
        const tensors = tf.memory().numTensors;
        const dataIds = tf.engine().backend.numDataIds();
        for (let step = 0; step < 3; step++) tf.dispose(tf.tidy(compute));
        expect(tf.memory().numTensors).toBe(tensors);
        expect(tf.engine().backend.numDataIds()).toBe(dataIds);
      });
    },
  );

  it('auto takes matMulCol2im only for strided convs below 8 dx channels with at least 16 dy channels', () => {
    expect(prefersMatMulCol2im(1, 64, 4)).toBe(true);
    expect(prefersMatMulCol2im(7, 16, 2)).toBe(true);
    expect(prefersMatMulCol2im(3, 64, 1)).toBe(false);
    expect(prefersMatMulCol2im(8, 64, 4)).toBe(false);
    expect(prefersMatMulCol2im(3, 15, 4)).toBe(false);
  });
});
