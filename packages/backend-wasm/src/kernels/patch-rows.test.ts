import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { gatherPatchRows, imagesPerPatchChunk, patchGeometry, patchSize, scatterAddPatchRows } from './patch-rows.js';
import { computeOn } from './test-support/compare-with-cpu.js';
import { type ConvCase, describeCase, forwardOutputShape, randomConvCase } from './test-support/conv-cases.js';
import { seededRandom } from './test-support/seeded-random.js';

// Reference values come from tfjs's `cpu` backend: a conv2d with a one-hot filter (output channel
// (kh*kw_size + kw)*ci_size + ci copies that tap) yields the patch matrix, and the input gradient of
// that conv (conv2dTranspose) is col2im.

type Shape4 = [number, number, number, number];

function oneHotFilter(c: ConvCase): tf.Tensor4D {
  const taps = c.filterHeight * c.filterWidth * c.inChannels;
  const values = new Float32Array(taps * taps);
  for (let tap = 0; tap < taps; tap++) values[tap * taps + tap] = 1;
  return tf.tensor4d(values, [c.filterHeight, c.filterWidth, c.inChannels, taps]);
}

function geometryOf(c: ConvCase) {
  const [, outHeight, outWidth] = forwardOutputShape(c)!;
  const info = tf.backend_util.computeConv2DInfo(
    [c.batch, c.height, c.width, c.inChannels],
    [c.filterHeight, c.filterWidth, c.inChannels, 1],
    c.strides,
    1,
    c.pad,
  );
  return patchGeometry(info, outHeight, outWidth);
}

describe('patch rows (im2col / col2im on the wasm heap)', () => {
  let backend: BackendWasm;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    backend = tf.backend() as BackendWasm;
  });

  it('gatherPatchRows and scatterAddPatchRows match cpu on 120 random geometries (seeds 1..120), whole batch and one image', async () => {
    for (let seed = 1; seed <= 120; seed++) {
      const c = randomConvCase(seededRandom(seed));
      const label = `seed ${seed} ${describeCase(c)}`;
      const random = seededRandom(seed + 5000);
      const xShape: Shape4 = [c.batch, c.height, c.width, c.inChannels];
      const xValues = random.values(tf.util.sizeFromShape(xShape));
      const geometry = geometryOf(c);
      const taps = patchSize(geometry);
      const patchShape: Shape4 = [c.batch, geometry.outHeight, geometry.outWidth, taps];
      const patchValues = random.values(tf.util.sizeFromShape(patchShape));
      const [expectedPatches, expectedSums] = await computeOn('cpu', () => [
        tf.conv2d(tf.tensor4d(xValues, xShape), oneHotFilter(c), c.strides, c.pad),
        tf.conv2dTranspose(tf.tensor4d(patchValues, patchShape), oneHotFilter(c), xShape, c.strides, c.pad),
      ]);

      await tf.setBackend('wasm');
      backend = tf.backend() as BackendWasm;
      const before = backend.numDataIds();
      const x = tf.tensor4d(xValues, xShape);
      const patches = tf.tensor2d(patchValues, [c.batch * geometry.outHeight * geometry.outWidth, taps]);
      const rowsPerImage = geometry.outHeight * geometry.outWidth * taps;
      const imageSize = c.height * c.width * c.inChannels;
      // The whole batch, then the last image alone (offsets into both matrices).
      const last = c.batch - 1;
      const gathered = gatherPatchRows(backend, x, geometry, 0, c.batch);
      const gatheredLast = gatherPatchRows(backend, x, geometry, last, 1);
      expect(Array.from(backend.readSync(gathered.dataId) as Float32Array), label).toEqual(
        Array.from(expectedPatches!),
      );
      expect(Array.from(backend.readSync(gatheredLast.dataId) as Float32Array), label).toEqual(
        Array.from(expectedPatches!.subarray(last * rowsPerImage)),
      );

      const sums = backend.makeOutput(xShape, 'float32');
      (backend.typedArrayFromHeap(sums) as Float32Array).fill(0);
      scatterAddPatchRows(backend, patches, sums, geometry, 0, c.batch);
      const lastPatches = tf.tensor2d(patchValues.subarray(last * rowsPerImage), [
        geometry.outHeight * geometry.outWidth,
        taps,
      ]);
      const lastSums = backend.makeOutput(xShape, 'float32');
      (backend.typedArrayFromHeap(lastSums) as Float32Array).fill(0);
      scatterAddPatchRows(backend, lastPatches, lastSums, geometry, last, 1);
      const received = backend.readSync(sums.dataId) as Float32Array;
      const receivedLast = (backend.readSync(lastSums.dataId) as Float32Array).subarray(last * imageSize);
      // Sums of up to kh*kw terms in another order: compare within float rounding.
      expectedSums!.forEach((value, index) => {
        expect(Math.abs(received[index]! - value), `${label} at ${index}`).toBeLessThanOrEqual(1e-5);
      });
      expectedSums!.subarray(last * imageSize).forEach((value, index) => {
        expect(Math.abs(receivedLast[index]! - value), `${label} last image at ${index}`).toBeLessThanOrEqual(1e-5);
      });

      for (const info of [gathered, gatheredLast, sums, lastSums]) backend.disposeData(info.dataId);
      tf.dispose([x, patches, lastPatches]);
      expect(backend.numDataIds(), label).toBe(before);
    }
  });

  it('imagesPerPatchChunk fits the limit and never goes below one image', () => {
    const geometry = {
      inputShape: [64, 14, 14, 64] as const,
      filterHeight: 4,
      filterWidth: 4,
      strideHeight: 2,
      strideWidth: 2,
      padTop: 1,
      padLeft: 1,
      outHeight: 7,
      outWidth: 7,
    };
    // 7 * 7 * 1024 = 50176 floats per image.
    expect(imagesPerPatchChunk(geometry, 50176 * 3 + 1)).toBe(3);
    expect(imagesPerPatchChunk(geometry, 1)).toBe(1);
    expect(imagesPerPatchChunk(geometry)).toBe(Math.floor((16 * 1024 * 1024) / 50176));
  });
});
