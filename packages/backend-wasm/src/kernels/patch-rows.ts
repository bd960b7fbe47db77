import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Where a convolution's patches lie in its NHWC input: patch (b, oh, ow) covers rows
 * `oh * strideHeight - padTop + kh` and columns `ow * strideWidth - padLeft + kw` (dilation 1);
 * taps outside the input are zeros.
 */
export interface PatchGeometry {
  /** The input (x or dx), NHWC. */
  readonly inputShape: readonly [number, number, number, number];
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** The forward output's spatial size (dy's). */
  readonly outHeight: number;
  readonly outWidth: number;
}

/** Patch matrices above this many floats (64 MiB) are built and multiplied a few images at a time. */
export const defaultMaxPatchFloats = 16 * 1024 * 1024;

/** Options of the kernels that build patch matrices. */
export interface PatchMatrixOptions {
  /** Largest patch matrix built at once, in floats (default {@link defaultMaxPatchFloats}); tests lower it. */
  readonly maxPatchFloats?: number;
}

/** How many images' patches fit in `maxPatchFloats` (at least one). */
export function imagesPerPatchChunk(geometry: PatchGeometry, maxPatchFloats = defaultMaxPatchFloats): number {
  const perImage = geometry.outHeight * geometry.outWidth * patchSize(geometry);
  return Math.max(1, Math.floor(maxPatchFloats / Math.max(perImage, 1)));
}

/**
 * The patch geometry of a (channels-last) forward convolution, from tfjs's conv info and dy's
 * spatial size (which a `dimRoundingMode` may have set).
 */
export function patchGeometry(
  convInfo: tf.backend_util.Conv2DInfo,
  outHeight: number,
  outWidth: number,
): PatchGeometry {
  return {
    inputShape: [convInfo.batchSize, convInfo.inHeight, convInfo.inWidth, convInfo.inChannels],
    filterHeight: convInfo.filterHeight,
    filterWidth: convInfo.filterWidth,
    strideHeight: convInfo.strideHeight,
    strideWidth: convInfo.strideWidth,
    padTop: convInfo.padInfo.top,
    padLeft: convInfo.padInfo.left,
    outHeight,
    outWidth,
  };
}

/** Columns of a patch row: (kh, kw, channel), row-major, the order of a `[kh, kw, in, out]` filter's rows. */
export function patchSize(geometry: PatchGeometry): number {
  return geometry.filterHeight * geometry.filterWidth * geometry.inputShape[3];
}

/**
 * Visits every run of taps of one (image, output row, output column, filter row) that lies inside
 * the input: `visit(patchOffset, inputOffset, length)` in floats, relative to the first image of
 * `[firstImage, firstImage + images)`; `patchOffset` counts in the `[images * outHeight * outWidth,
 * patchSize]` patch matrix. Runs are contiguous in both (kw and channel are the minor axes of both).
 */
function forEachPatchRun(
  geometry: PatchGeometry,
  images: number,
  visit: (patchOffset: number, inputOffset: number, length: number) => void,
): void {
  const [, height, width, channels] = geometry.inputShape;
  const { filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft, outHeight, outWidth } = geometry;
  const rowLength = filterWidth * channels;
  const size = filterHeight * rowLength;
  for (let image = 0; image < images; image++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const patchBase = ((image * outHeight + oh) * outWidth + ow) * size;
        const firstColumn = ow * strideWidth - padLeft;
        const kwStart = Math.max(0, -firstColumn);
        const kwEnd = Math.min(filterWidth, width - firstColumn);
        if (kwEnd <= kwStart) continue;
        for (let kh = 0; kh < filterHeight; kh++) {
          const row = oh * strideHeight - padTop + kh;
          if (row < 0 || row >= height) continue;
          visit(
            patchBase + kh * rowLength + kwStart * channels,
            ((image * height + row) * width + firstColumn + kwStart) * channels,
            (kwEnd - kwStart) * channels,
          );
        }
      }
    }
  }
}

/**
 * im2col: copies the patches of images `[firstImage, firstImage + images)` of `x` (NHWC float32)
 * into a new `[images * outHeight * outWidth, patchSize]` tensor, zeros where a tap reads padding.
 * A plain loop over the wasm heap (single-threaded), like tfjs's own Slice and Concat kernels; the
 * caller owns the result.
 *
 * @example
 * ```ts
 * const patches = scope.track(gatherPatchRows(backend, x, geometry, 0, batch)); // [b*oh*ow, kh*kw*ci]
 * ```
 */
export function gatherPatchRows(
  backend: BackendWasm,
  x: tf.TensorInfo,
  geometry: PatchGeometry,
  firstImage: number,
  images: number,
): tf.TensorInfo {
  const [, height, width, channels] = geometry.inputShape;
  const size = patchSize(geometry);
  const rows = images * geometry.outHeight * geometry.outWidth;
  const out = backend.makeOutput([rows, size], 'float32');
  // Views are taken after makeOutput: an allocation may grow (and detach) the wasm heap.
  const source = backend.typedArrayFromHeap(x) as Float32Array;
  const target = backend.typedArrayFromHeap(out) as Float32Array;
  const sourceBase = firstImage * height * width * channels;
  // Taps wholly or partly in the padding stay zero.
  target.fill(0);
  forEachPatchRun(geometry, images, (patchOffset, inputOffset, length) => {
    const from = sourceBase + inputOffset;
    if (length >= 32) {
      target.set(source.subarray(from, from + length), patchOffset);
    } else {
      for (let i = 0; i < length; i++) target[patchOffset + i] = source[from + i]!;
    }
  });
  return out;
}

/**
 * col2im: adds every patch row of `patches` (`[images * outHeight * outWidth, patchSize]`) onto the
 * input positions its taps read, into images `[firstImage, firstImage + images)` of `target`, an
 * NHWC float32 tensor of `geometry.inputShape` that the caller made and zeroed. Taps in the padding
 * are dropped. The inverse gather of {@link gatherPatchRows}; a single-threaded loop over the heap.
 *
 * @example
 * ```ts
 * scatterAddPatchRows(backend, patches, dx, geometry, 0, batch);
 * ```
 */
export function scatterAddPatchRows(
  backend: BackendWasm,
  patches: tf.TensorInfo,
  target: tf.TensorInfo,
  geometry: PatchGeometry,
  firstImage: number,
  images: number,
): void {
  const [, height, width, channels] = geometry.inputShape;
  const source = backend.typedArrayFromHeap(patches) as Float32Array;
  const sums = backend.typedArrayFromHeap(target) as Float32Array;
  const targetBase = firstImage * height * width * channels;
  forEachPatchRun(geometry, images, (patchOffset, inputOffset, length) => {
    const to = targetBase + inputOffset;
    for (let i = 0; i < length; i++) sums[to + i] = sums[to + i]! + source[patchOffset + i]!;
  });
}
