import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { GanForgeError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { nodeWasmAdapter } from '../node-wasm-adapter.js';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const child = fileURLToPath(new URL('./test-fixtures/threaded-wasm-child.ts', import.meta.url));
const userErrorChild = fileURLToPath(new URL('./test-fixtures/user-error-child.ts', import.meta.url));

/** Runs a child script with `threads`; null status means it did not end by itself within a minute. */
function spawnChild(script: string, threads: number) {
  return spawnSync(
    process.execPath,
    [
      fileURLToPath(new URL('node_modules/tsx/dist/cli.mjs', `file://${repositoryRoot}`)),
      '--tsconfig',
      'tsconfig.base.json',
      script,
      String(threads),
    ],
    { cwd: repositoryRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, GANFORGE_THREADS: '' } },
  );
}

function runChild(threads: number) {
  const result = spawnChild(child, threads);
  return {
    status: result.status,
    stderr: result.stderr,
    output: JSON.parse(result.stdout.trim().split('\n').at(-1) ?? 'null'),
  };
}

describe('the threaded wasm backend under Node', () => {
  it('starts tfjs-backend-wasm threaded build with the threads asked for, and the process still ends by itself', () => {
    // 3 threads = the caller plus 2 pthread workers running XNNPACK's pool (tfjs would give 1 on 2 cores).
    const threaded = runChild(3);
    expect(threaded.stderr).toBe('');
    expect(threaded.status).toBe(0);
    expect(threaded.output).toMatchObject({ threads: 3, device: 'WebAssembly SIMD, 3 threads', runningWorkers: 2 });
    // The same computation on one thread (tfjs's single-threaded SIMD build): same loss.
    const single = runChild(1);
    expect(single.status).toBe(0);
    expect(single.output).toMatchObject({ threads: 1, device: 'WebAssembly SIMD, 1 thread', runningWorkers: 0 });
    expect(threaded.output.loss).toBeCloseTo(single.output.loss, 5);
  });
});

describe("a user's error after the wasm backend started", () => {
  it.each([1, 3])(
    'ends the process as Node does (exit code 1, the error and its stack), not through tfjs handlers (%i threads)',
    (threads) => {
      // Measured before the fix: exit code 7 and a 55 KB line of minified tfjs source before the error.
      const result = spawnChild(userErrorChild, threads);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/Error: a bug in the user script\n\s+at /);
      expect(result.stderr).not.toMatch(/GROWABLE_HEAP/);
      expect(result.stderr.length).toBeLessThan(4000);
    },
  );
});

describe('training on the threaded wasm backend', () => {
  beforeAll(async () => {
    await nodeWasmAdapter({ threads: 3 }).init();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  // Reference: the same gradients on tfjs's plain-JavaScript cpu backend.
  const gradientsOn = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const x = tf.randomNormal<tf.Rank.R4>([8, 14, 14, 16], 0, 1, 'float32', 3);
      const filter = tf.randomNormal<tf.Rank.R4>([4, 4, 16, 32], 0, 0.1, 'float32', 4);
      const up = tf.randomNormal<tf.Rank.R4>([4, 4, 8, 32], 0, 0.1, 'float32', 5);
      const dense = tf.randomNormal<tf.Rank.R2>([7 * 7 * 32, 64], 0, 0.05, 'float32', 6);
      const loss = (...weights: tf.Tensor[]) => {
        const [f, u, d] = weights as [tf.Tensor4D, tf.Tensor4D, tf.Tensor2D];
        const down = tf.leakyRelu(tf.conv2d(x, f, 2, 'same'), 0.2);
        const back = tf.conv2dTranspose(down, u, [8, 14, 14, 8], 2, 'same');
        const moments = tf.moments(down, [0, 1, 2]);
        const normalised = down.sub(moments.mean).div(moments.variance.add(1e-5).sqrt());
        return tf
          .matMul(normalised.reshape([8, -1]), d)
          .tanh()
          .sum()
          .add(back.square().mean()) as tf.Scalar;
      };
      const grads = tf.grads(loss)([filter, up, dense]);
      return grads.map((g) => g.dataSync());
    });
  };

  it('computes the convolution, transposed convolution, matmul and normalisation gradients the cpu backend computes', async () => {
    const reference = await gradientsOn('cpu');
    const before = (await tf.setBackend('wasm'), tf.memory().numTensors);
    const threaded = await gradientsOn('wasm');
    expect(tf.memory().numTensors).toBe(before);
    expect(
      (tf.backend() as unknown as { wasm: { PThread: { runningWorkers: unknown[] } } }).wasm.PThread.runningWorkers,
    ).toHaveLength(2);
    for (const [index, values] of threaded.entries()) {
      const expected = reference[index]!;
      const scale = Math.max(...expected.map(Math.abs));
      const worst = Math.max(...values.map((value, i) => Math.abs(value - expected[i]!)));
      expect(worst / scale).toBeLessThan(1e-4);
    }
  });

  it('refuses another thread count once the backend runs, naming the option', async () => {
    await expect(nodeWasmAdapter({ threads: 2 }).init()).rejects.toThrow(
      /^threads: expected 3, the thread count the wasm backend already runs with in this process, received 2/,
    );
    await expect(nodeWasmAdapter({ threads: 2 }).init()).rejects.toBeInstanceOf(GanForgeError);
    // Asking again for the running count is fine.
    await expect(nodeWasmAdapter({ threads: 3 }).init()).resolves.toMatchObject({ threads: 3 });
  });

  it('names options.threads when the count is out of range', async () => {
    await expect(nodeWasmAdapter({ threads: 16 }).init()).rejects.toThrow(
      /^options\.threads: expected an integer from 1 to 8/,
    );
  });
});
