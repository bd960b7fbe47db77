import type * as tf from '@tensorflow/tfjs';

import {
  defaultMaxPatchFloats,
  gatherPatchRows,
  imagesPerPatchChunk,
  type PatchGeometry,
  patchSize,
} from './patch-rows.js';
import { type WasmKernelScope, withWasmKernelScope } from './run-wasm-kernel.js';

/**
 * The filter gradient as ONE matrix product per chunk of images:
 * dW[kh*kw*ci, co] = patches(x)^T [kh*kw*ci, P] x dy [P, co], P = images * outHeight * outWidth,
 * with the patch matrix built by {@link gatherPatchRows} (im2col) and the product by the stock
 * `BatchMatMul` (XNNPACK). tfjs-wasm's `BatchMatMul` only reaches XNNPACK untransposed, so the
 * smaller operand is transposed first: the patches when kh*kw*ci <= co, else dy (and then the small
 * [co, kh*kw*ci] result). A 1x1, stride-1, unpadded filter uses x itself as the patch matrix.
 *
 * @example
 * ```ts
 * const dW = im2colBackpropFilter(scope, xNhwc, dyNhwc, geometry, [4, 4, 64, 128]);
 * ```
 */
export function im2colBackpropFilter(
  scope: WasmKernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  geometry: PatchGeometry,
  filterShape: readonly [number, number, number, number],
  maxPatchFloats = defaultMaxPatchFloats,
): tf.TensorInfo {
  const { backend, run, track } = scope;
  const batch = geometry.inputShape[0];
  const taps = patchSize(geometry);
  const outChannels = filterShape[3];
  const pixelsPerImage = geometry.outHeight * geometry.outWidth;
  const transposePatches = taps <= outChannels;
  const pointwise =
    geometry.filterHeight === 1 &&
    geometry.filterWidth === 1 &&
    geometry.strideHeight === 1 &&
    geometry.strideWidth === 1 &&
    geometry.padTop === 0 &&
    geometry.padLeft === 0 &&
    geometry.outHeight === geometry.inputShape[1] &&
    geometry.outWidth === geometry.inputShape[2];
  const chunk = pointwise ? batch : imagesPerPatchChunk(geometry, maxPatchFloats);

  let sum: tf.TensorInfo | undefined;
  for (let first = 0; first < batch; first += chunk) {
    const images = Math.min(chunk, batch - first);
    const pixels = images * pixelsPerImage;
    // A scope per chunk frees its patch matrix before the next one is built.
    const product = withWasmKernelScope(backend, (chunkScope) => {
      const imageSlice = (t: tf.TensorInfo) =>
        images === batch
          ? t
          : chunkScope.run('Slice', { x: t }, { begin: [first, 0, 0, 0], size: [images, -1, -1, -1] });
      const patches = pointwise
        ? chunkScope.run('Reshape', { x: imageSlice(x) }, { shape: [pixels, taps] })
        : chunkScope.track(gatherPatchRows(backend, x, geometry, first, images));
      const dyRows = chunkScope.run('Reshape', { x: imageSlice(dy) }, { shape: [pixels, outChannels] });
      const [a, b, rows, columns] = transposePatches
        ? [patches, dyRows, taps, outChannels]
        : [dyRows, patches, outChannels, taps];
      const aColumns = chunkScope.run('Transpose', { x: a }, { perm: [1, 0] });
      return chunkScope.run(
        'BatchMatMul',
        {
          a: chunkScope.run('Reshape', { x: aColumns }, { shape: [1, rows, pixels] }),
          b: chunkScope.run('Reshape', { x: b }, { shape: [1, pixels, columns] }),
        },
        { transposeA: false, transposeB: false },
      );
    });
    track(product);
    sum = sum === undefined ? product : run('Add', { a: sum, b: product });
  }
  const flat = run('Reshape', { x: sum! }, { shape: transposePatches ? [taps, outChannels] : [outChannels, taps] });
  const byTap = transposePatches ? flat : run('Transpose', { x: flat }, { perm: [1, 0] });
  return run('Reshape', { x: byTap }, { shape: [...filterShape] });
}
