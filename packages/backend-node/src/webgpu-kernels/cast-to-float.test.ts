import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { useBackend } from '../use-backend.js';
import { isCastToFloat } from './cast-to-float.js';
import { registerWebGpuKernelFixes } from './register-webgpu-kernel-fixes.js';

// Real WebGPU through Dawn on SwiftShader (Debian's chromium package; the test command installs it).
// Expected values: tfjs's `cpu` backend, and by hand for the bag-of-words counts.
process.env['VK_ICD_FILENAMES'] ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

async function on(backend: 'cpu' | 'webgpu', compute: () => tf.Tensor[]): Promise<number[][]> {
  await useBackend({ backend, log: false });
  const outputs = tf.tidy(compute);
  const values = await Promise.all(outputs.map(async (output) => Array.from(await output.data())));
  tf.dispose(outputs);
  return values;
}

describe('Cast to float32 on webgpu', () => {
  it('is registered by useBackend("webgpu"), once', async () => {
    await useBackend({ backend: 'webgpu', log: false });
    const kernel = tf.getKernel('Cast', 'webgpu')!;
    expect(isCastToFloat(kernel.kernelFunc)).toBe(true);
    registerWebGpuKernelFixes();
    expect(tf.getKernel('Cast', 'webgpu')!.kernelFunc).toBe(kernel.kernelFunc);
  });

  it('gives real float32 data to kernels that copy buffers (Transpose, reductions over a non-last axis)', async () => {
    const compute = () => [
      // The bag-of-words encoder's counts: by hand [[1, 1, 1], [1, 2, 0]].
      tf
        .oneHot(tf.tensor2d([0, 1, 2, 3, 2, 2, 0, 1], [2, 4], 'int32').sub(tf.scalar(1, 'int32')) as tf.Tensor2D, 3)
        .toFloat()
        .sum(1),
      tf.tensor3d([1, -2, 3, 4, 5, -6, 7, 8], [2, 2, 2], 'int32').toFloat().transpose([2, 0, 1]),
      tf.tensor2d([true, false, false, true, true, true], [2, 3], 'bool').toFloat().transpose(),
      tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32').toFloat().mean(0),
      // Other casts keep the stock kernel.
      tf.tensor1d([1.7, -2.2, 0]).toInt(),
      tf.tensor1d([1.5, 0, -3]).cast('bool'),
    ];
    const reference = await on('cpu', compute);
    expect(reference[0]).toEqual([1, 1, 1, 1, 2, 0]);
    expect(await on('webgpu', compute)).toEqual(reference);
  });
});
