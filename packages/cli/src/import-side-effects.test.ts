import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

// Importing a GANForge package must not change what plain tfjs does before useBackend() is called.
// The reference is tfjs itself, read before any GANForge module is loaded (this file's static
// imports are tfjs and vitest only; vitest gives each test file fresh modules).
const entryPoints: Record<string, () => Promise<unknown>> = {
  '@ganforge/core': () => import('@ganforge/core'),
  '@ganforge/core/node': () => import('@ganforge/core/node'),
  '@ganforge/data': () => import('@ganforge/data'),
  '@ganforge/data/node': () => import('@ganforge/data/node'),
  '@ganforge/metrics': () => import('@ganforge/metrics'),
  '@ganforge/metrics/node': () => import('@ganforge/metrics/node'),
  '@ganforge/laplacian': () => import('@ganforge/laplacian'),
  '@ganforge/backend-wasm': () => import('@ganforge/backend-wasm'),
  '@ganforge/backend-node': () => import('@ganforge/backend-node'),
  '@ganforge/backend-browser': () => import('@ganforge/backend-browser'),
  '@ganforge/srgan': () => import('@ganforge/srgan'),
  '@ganforge/srgan/node': () => import('@ganforge/srgan/node'),
  '@ganforge/text': () => import('@ganforge/text'),
  '@ganforge/text/node': () => import('@ganforge/text/node'),
  '@ganforge/cli': () => import('./index.js'),
};

/** Every registered backend with its priority, and every environment flag tfjs has evaluated. */
function tfjsState() {
  const registry = (tf.engine() as unknown as { registryFactory: Record<string, { priority: number }> })
    .registryFactory;
  return {
    backends: Object.fromEntries(Object.entries(registry).map(([name, { priority }]) => [name, priority])),
    flags: { ...tf.env().getFlags() },
  };
}

describe('importing GANForge packages', () => {
  it('registers no backend and sets no tfjs flag, so tfjs ops run on its default backend before useBackend()', async () => {
    const before = tfjsState();
    for (const load of Object.values(entryPoints)) await load();
    expect(tfjsState()).toEqual(before);
    // Before the fix, '@ganforge/backend-wasm' imported tfjs-backend-wasm, which registers 'wasm' at
    // priority 2 over 'cpu' (1), and this op threw "The highest priority backend 'wasm' has not yet
    // been initialized". Expected sum: 1 + 3, 2 + 4.
    const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]));
    expect(Array.from(await sum.data())).toEqual([4, 6]);
    // tfjs's own choice in Node without tfjs-node: 'cpu' is the only backend it registers here.
    expect(Object.keys(before.backends)).toEqual(['cpu']);
    expect(tf.getBackend()).toBe('cpu');
    sum.dispose();
  });

  it('asks for tfjs-backend-wasm to be imported before the WASM training kernels are registered', async () => {
    const { registerWasmTrainingKernels } = await import('@ganforge/backend-wasm');
    const { BackendUnavailableError } = await import('@ganforge/core');
    // Registering first would let a later import of the stock module put its slow kernels back.
    expect(() => registerWasmTrainingKernels()).toThrow(BackendUnavailableError);
    expect(() => registerWasmTrainingKernels()).toThrow("import '@tensorflow/tfjs-backend-wasm' before");
    await import('@tensorflow/tfjs-backend-wasm');
    const stock = tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc;
    registerWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).not.toBe(stock);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });
});
