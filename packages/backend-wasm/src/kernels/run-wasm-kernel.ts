import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Runs one registered wasm kernel; the output becomes an intermediate of the enclosing scope. */
export type RunWasmKernel = (
  kernelName: string,
  inputs: tf.NamedTensorInfoMap | tf.TensorInfo[],
  attrs?: tf.NamedAttrMap,
) => tf.TensorInfo;

/**
 * Runs the kernel registered for the `wasm` backend under `kernelName`, bypassing the engine.
 *
 * Inside a kernel, tf ops cannot be used (they would record on the tape and track tensors the
 * engine does not expect), so composed kernels call other kernels' `kernelFunc` directly. The
 * caller owns the returned `TensorInfo` and must release it with `backend.disposeData`.
 *
 * @example
 * ```ts
 * const transposed = runWasmKernel(backend, 'Transpose', { x }, { perm: [3, 1, 2, 0] });
 * backend.disposeData(transposed.dataId);
 * ```
 */
export function runWasmKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap | tf.TensorInfo[],
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) {
    throw new BackendUnavailableError(
      'wasm',
      `its kernel '${kernelName}', which a GANForge wasm training kernel needs, is not registered. ` +
        `Import '@tensorflow/tfjs-backend-wasm' (4.22) before training.`,
    );
  }
  // Concat and Pack take an array of inputs; the typings only know the named form.
  const output = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs });
  if (Array.isArray(output)) {
    throw new Error(`runWasmKernel: kernel '${kernelName}' returned ${output.length} outputs; expected one.`);
  }
  return output;
}

/** What a composed kernel body gets from {@link withWasmKernelScope}. */
export interface WasmKernelScope {
  readonly backend: BackendWasm;
  /** Runs a registered wasm kernel; its output is disposed when the scope ends unless returned. */
  readonly run: RunWasmKernel;
  /** Hands an output made some other way (e.g. `backend.makeOutput`) to the scope. */
  track(info: tf.TensorInfo): tf.TensorInfo;
}

/**
 * Composes a kernel out of other wasm kernels, like `tf.tidy` for kernel code: every output made
 * through the scope is disposed when `body` returns (or throws), except the `TensorInfo` that `body`
 * returns, which the caller (normally the engine) then owns.
 *
 * Reshape outputs share their input's data with an extra reference, so disposing a reshaped
 * intermediate only drops that reference; returning a reshape of an intermediate is safe.
 *
 * @example
 * ```ts
 * const kernelFunc: tf.KernelFunc = ({ inputs, backend }) =>
 *   withWasmKernelScope(backend as BackendWasm, ({ run }) => {
 *     const t = run('Transpose', { x: inputs.x! }, { perm: [1, 0] });
 *     return run('Reshape', { x: t }, { shape: [-1] });
 *   });
 * ```
 */
export function withWasmKernelScope(
  backend: BackendWasm,
  body: (scope: WasmKernelScope) => tf.TensorInfo,
): tf.TensorInfo {
  const intermediates: tf.TensorInfo[] = [];
  const track = (info: tf.TensorInfo): tf.TensorInfo => {
    intermediates.push(info);
    return info;
  };
  const scope: WasmKernelScope = {
    backend,
    run: (kernelName, inputs, attrs) => track(runWasmKernel(backend, kernelName, inputs, attrs)),
    track,
  };
  let result: tf.TensorInfo | undefined;
  try {
    result = body(scope);
    if (!intermediates.includes(result)) {
      throw new Error('withWasmKernelScope: body must return a TensorInfo made inside the scope.');
    }
    return result;
  } finally {
    let keptResult = false;
    for (const info of intermediates) {
      // The result is handed over once; any other reference to its data is released.
      if (info === result && !keptResult) {
        keptResult = true;
        continue;
      }
      backend.disposeData(info.dataId);
    }
  }
}
