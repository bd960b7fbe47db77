import type * as tf from '@tensorflow/tfjs';

import {
  defaultMaxPatchFloats,
  imagesPerPatchChunk,
  type PatchGeometry,
  patchSize,
  scatterAddPatchRows,
} from './patch-rows.js';
import { runWasmKernel, type WasmKernelScope } from './run-wasm-kernel.js';

// XNNPACK's wasm SIMD f32 GEMM computes output channels in blocks of 8 (its "nr"): a sub-pixel
// phase conv producing fewer dx channels wastes the rest of the block, this GEMM (kh*kw*ci output
// columns) does not. Its col2im is a scalar loop of kh*kw*ci adds per dy pixel, ~1/co of the GEMM's
// work, so dy needs a few blocks of channels for it to pay.
const outputChannelBlock = 8;
const minOutChannels = 16;

/**
 * Whether {@link col2imBackpropInput} beats the sub-pixel convolutions: for a strided convolution
 * whose dx has fewer channels than one GEMM block and whose dy has at least 16. Measured with
 * scripts/conv-gradient-bench.ts (wasm SIMD, median ms per call, A/B in one process), 1 thread /
 * 2 threads: DCGAN-28's 28x28x1 output layer 3.7 -> 1.7 / 4.9 -> 2.8, DCGAN-64's 64x64x3 one
 * 67.6 -> 29.5 / 48.6 -> 25.0. At stride 1 the sub-pixel form is ONE plain conv and, with 2
 * threads, faster (SRResNet's 96x96x3 layer 24.3 vs 36.0: the col2im loop is single-threaded);
 * with dx 64 channels and dy 3 (SRResNet's output layer) col2im is 20x slower.
 *
 * @example
 * ```ts
 * prefersMatMulCol2im(1, 64, 2 * 2); // true: DCGAN-28's 14x14x64 -> 28x28x1 conv2dTranspose
 * ```
 */
export function prefersMatMulCol2im(inChannels: number, outChannels: number, phaseCount: number): boolean {
  return phaseCount > 1 && inChannels < outputChannelBlock && outChannels >= minOutChannels;
}

/**
 * The input gradient as ONE matrix product per chunk of images, then col2im:
 * patches[P, kh*kw*ci] = dy[P, co] x W^T[co, kh*kw*ci] by the stock `BatchMatMul` (XNNPACK; the
 * filter, small, is transposed first), then every patch row is added onto the dx positions its
 * taps read by {@link scatterAddPatchRows} (a single-threaded loop over the heap).
 *
 * @example
 * ```ts
 * const dx = col2imBackpropInput(scope, dyNhwc, filter, geometry);
 * ```
 */
export function col2imBackpropInput(
  scope: WasmKernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  geometry: PatchGeometry,
  maxPatchFloats = defaultMaxPatchFloats,
): tf.TensorInfo {
  const { backend, run, track } = scope;
  const batch = geometry.inputShape[0];
  const taps = patchSize(geometry);
  const outChannels = filter.shape[3]!;
  const pixelsPerImage = geometry.outHeight * geometry.outWidth;
  const filterRows = run('Reshape', { x: filter }, { shape: [taps, outChannels] });
  const filterColumns = run(
    'Reshape',
    { x: run('Transpose', { x: filterRows }, { perm: [1, 0] }) },
    { shape: [1, outChannels, taps] },
  );
  const dx = track(backend.makeOutput([...geometry.inputShape], 'float32'));
  (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
  const chunk = imagesPerPatchChunk(geometry, maxPatchFloats);
  for (let first = 0; first < batch; first += chunk) {
    const images = Math.min(chunk, batch - first);
    const pixels = images * pixelsPerImage;
    const dyImages =
      images === batch ? dy : run('Slice', { x: dy }, { begin: [first, 0, 0, 0], size: [images, -1, -1, -1] });
    // Run outside the scope so that each chunk's patch matrix is freed before the next.
    const patches = runWasmKernel(
      backend,
      'BatchMatMul',
      { a: run('Reshape', { x: dyImages }, { shape: [1, pixels, outChannels] }), b: filterColumns },
      { transposeA: false, transposeB: false },
    );
    try {
      scatterAddPatchRows(backend, patches, dx, geometry, first, images);
    } finally {
      backend.disposeData(patches.dataId);
    }
  }
  return dx;
}
