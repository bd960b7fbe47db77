import { useBackend } from '@ganforge/backend-node';
import {
  AdversarialTrainer,
  dcgan,
  decodeCheckpoint,
  encodeCheckpoint,
  loadGenerator,
  TensorDataset,
} from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type BrowserSession, openBrowserSession } from './browser-test-support/browser-harness.js';

// The same saved model everywhere: a checkpoint trained in Node (WASM) must generate the same images
// from the same noise in Node on CPU and on Dawn WebGPU, and in Chromium on WebGL and on WASM.
const latentDim = 8;
const count = 4;
const noise = Array.from({ length: count * latentDim }, (_, i) => Math.sin(i * 1.3));
const tolerance = 1e-3; // max abs difference on outputs in [-1, 1]

process.env['VK_ICD_FILENAMES'] ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

let session: BrowserSession;
let bytes: Uint8Array;
let reference: number[];

async function generateInNode(checkpointBytes: Uint8Array, backend: 'wasm' | 'cpu' | 'webgpu'): Promise<number[]> {
  const info = await useBackend({ backend, log: false });
  expect(info.name).toBe(backend);
  const generator = await loadGenerator(decodeCheckpoint(checkpointBytes), { ema: false });
  const z = tf.tensor2d(noise, [count, latentDim]);
  const images = generator.predict(z) as tf.Tensor;
  const values = Array.from(await images.data());
  tf.dispose([z, images, ...generator.weights.map((w) => w.read())]);
  return values;
}

function maxAbsDifference(a: number[], b: number[]): number {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((value, index) => Math.abs(value - b[index]!)));
}

const base64 = (data: Uint8Array) => Buffer.from(data).toString('base64');

beforeAll(async () => {
  await useBackend({ backend: 'wasm', log: false });
  const { generator, discriminator } = dcgan({ size: 28, latentDim, filters: 4, seed: 7 });
  const trainer = new AdversarialTrainer({ generator, discriminator, noise: { dim: latentDim }, seed: 3 });
  const images = tf.randomUniform([16, 28, 28, 1], -1, 1, 'float32', 5);
  await trainer.fit(new TensorDataset({ real: images }), { batchSize: 4, steps: 3 });
  bytes = encodeCheckpoint(await trainer.checkpoint());
  reference = await generateInNode(bytes, 'wasm');
  session = await openBrowserSession();
}, 180_000);

afterAll(async () => {
  await session?.close();
});

describe('one checkpoint, every runtime', () => {
  it('Node CPU matches Node WASM', async () => {
    expect(maxAbsDifference(await generateInNode(bytes, 'cpu'), reference)).toBeLessThanOrEqual(tolerance);
  });

  it('Node WebGPU (Dawn) matches Node WASM', async () => {
    expect(maxAbsDifference(await generateInNode(bytes, 'webgpu'), reference)).toBeLessThanOrEqual(tolerance);
  });

  it.each(['webgl', 'wasm'] as const)('Chromium %s matches Node WASM', async (backend) => {
    const output = await session.call('generateFromCheckpoint', base64(bytes), noise, latentDim, backend);
    expect(maxAbsDifference(output, reference)).toBeLessThanOrEqual(tolerance);
  });

  it('a Node checkpoint goes into IndexedDB and generates the same images there', async () => {
    const { names, output } = await session.call('indexedDbImport', base64(bytes), noise, latentDim);
    expect(names).toContain('from-node');
    expect(maxAbsDifference(output, reference)).toBeLessThanOrEqual(tolerance);
  });

  it('a checkpoint trained in the browser and stored in IndexedDB loads in Node', async () => {
    const exported = await session.call('indexedDbExport', noise, latentDim);
    expect(exported.step).toBe(2);
    expect(exported.reencoded).toBe(true);
    const fromBrowser = new Uint8Array(Buffer.from(exported.base64, 'base64'));
    expect(maxAbsDifference(await generateInNode(fromBrowser, 'wasm'), exported.output)).toBeLessThanOrEqual(tolerance);
  });
});
