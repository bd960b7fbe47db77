import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { copyingIdentityKernels, isCopyFreeIdentityWrapper, withCopyFreeIdentity } from './copy-free-identity.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-conv2d-backprop-input.js';
import {
  isExplicitSamePaddingWrapper,
  samePaddingConvolutions,
  withExplicitSamePadding,
} from './explicit-same-padding.js';
import { isExplicitTransposeMatMulWrapper, withExplicitTransposes } from './explicit-transpose-matmul.js';
import { registerFusedActivationGradients } from './fused-activation-gradients.js';
import { isBranchFreeLeakyReluWrapper, withBranchFreeLeakyRelu } from './leaky-relu.js';
import { registerReductionGradients } from './reduction-gradients.js';
import { isStridedReductionWrapper, stridedReductions, withStridedReduction } from './strided-reduction.js';
import { tileConfig } from './tile.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

// Kernels tfjs-backend-wasm 4.22 does not have. Should a later version ship them natively, its
// kernels are kept.
const missingKernels = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  // tf.gather's gradient: every embedding layer (word-GRU, bag-of-words text encoders).
  unsortedSegmentSumConfig,
];

// Kernels wasm has but runs slowly: Conv2DBackpropInput as a scalar loop outside XNNPACK, Tile
// (used by tfjs's BatchNorm gradient) with per-element index arithmetic.
const replacedKernels = [conv2DBackpropInputConfig, tileConfig];

/**
 * Makes the `wasm` backend able to train convolutional networks at XNNPACK speed: registers the
 * convolution gradient kernels tfjs-backend-wasm 4.22 lacks (`Conv2DBackpropFilter`, the two
 * depthwise backprop kernels), `UnsortedSegmentSum` (the gradient of `tf.gather`, hence of every
 * embedding layer) and replaces its slow `Conv2DBackpropInput` (every input gradient and
 * every `conv2dTranspose`) and its slow `Tile` (every BatchNorm gradient). All are composed of
 * other wasm kernels or heap copies and need no setup, so this may be
 * called before or after `tf.setBackend('wasm')`. Calling it again does nothing.
 *
 * `Sum` and `Mean` over leading axes (every per-channel gradient sum in NHWC) skip the stock kernels'
 * transpose and give the same bits (see {@link withStridedReduction}); the PReLU and LeakyReLU
 * gradients run as one-pass kernels on wasm, with the same bits (see {@link registerFusedActivationGradients});
 * `Identity` and same-dtype `Cast` share their input's data instead of copying it (see {@link withCopyFreeIdentity});
 * the gradients of `Sum` and `Mean` broadcast once instead of multiplying by ones (see {@link registerReductionGradients});
 * `LeakyRelu` runs without a branch per element (see {@link withBranchFreeLeakyRelu});
 * `BatchMatMul` with a transposed operand (every dense layer's gradients) runs on XNNPACK after an
 * explicit transpose instead of a scalar loop (see {@link withExplicitTransposes}).
 *
 * It also works around a stock bug: the wasm convolutions get 'same' padding wrong when a filter
 * dimension is smaller than its stride (see {@link withExplicitSamePadding}).
 *
 * @throws BackendUnavailableError when `@tensorflow/tfjs-backend-wasm` has not been imported yet:
 *   its stock kernels must be registered first (else a later import would put the slow stock ones back).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmTrainingKernels } from '@ganforge/backend-node';
 *
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 * const x = tf.randomNormal<tf.Rank.R4>([2, 8, 8, 3]);
 * const w = tf.variable(tf.randomNormal<tf.Rank.R4>([3, 3, 3, 4]));
 * const grads = tf.variableGrads(() => tf.conv2d(x, w, 2, 'same').square().sum());
 * console.log(grads.grads[w.name]!.shape); // [3, 3, 3, 4]
 * ```
 */
export function registerWasmTrainingKernels(): void {
  // tfjs-backend-wasm is not imported by this module: importing it registers 'wasm' as tfjs's
  // highest-priority backend, and importing GANForge must not change what plain tfjs does before
  // useBackend(). wasmAdapter().init() imports it on demand, then calls this.
  if (tf.findBackendFactory('wasm') === null) {
    throw new BackendUnavailableError(
      'wasm',
      "import '@tensorflow/tfjs-backend-wasm' before registerWasmTrainingKernels() (or call useBackend() / wasmAdapter().init(), which do both).",
    );
  }
  for (const config of missingKernels) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  }
  for (const config of replacedKernels) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    // unregister first: registerKernel over an existing kernel works too, but logs a warning.
    if (current !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  for (const [kernelName, depthwise] of samePaddingConvolutions) {
    wrapStockKernel(kernelName, isExplicitSamePaddingWrapper, (stock) => withExplicitSamePadding(stock, depthwise));
  }
  for (const kernelName of stridedReductions) {
    wrapStockKernel(kernelName, isStridedReductionWrapper, withStridedReduction);
  }
  for (const kernelName of copyingIdentityKernels) {
    wrapStockKernel(kernelName, isCopyFreeIdentityWrapper, withCopyFreeIdentity);
  }
  wrapStockKernel(tf.BatchMatMul, isExplicitTransposeMatMulWrapper, withExplicitTransposes);
  wrapStockKernel(tf.LeakyRelu, isBranchFreeLeakyReluWrapper, withBranchFreeLeakyRelu);
  registerFusedActivationGradients();
  registerReductionGradients();
}

/** Puts `wrap(stock)` in place of the registered wasm kernel `kernelName`, unless it is a wrapper already. */
function wrapStockKernel(
  kernelName: string,
  isWrapper: (kernelFunc: tf.KernelFunc) => boolean,
  wrap: (stock: tf.KernelConfig) => tf.KernelConfig,
): void {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock === undefined || isWrapper(stock.kernelFunc)) return;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel(wrap(stock));
}
