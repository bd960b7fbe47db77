// The page script of the browser tests: functions the Node side calls with page.evaluate().
import {
  loadGenerator,
  decodeCheckpoint,
  AdversarialTrainer,
  dcgan,
  TensorDataset,
  encodeCheckpoint,
} from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import type { BrowserBackendName } from '../browser-backend-names.js';
import { IndexedDbCheckpointStore } from '../indexeddb-checkpoint-store.js';
import { connectTrainingWorker } from '../training-client.js';
import type { TrainingJob, WorkerStepEvent } from '../training-job.js';
import { defaultBrowserAdapters, useBackend } from '../use-backend.js';

const wasmPaths = new URL('/wasm/', location.href).href;

function tinyImages(count: number): TrainingJob['images'] {
  const data = new Float32Array(count * 28 * 28);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) * 0.9; // deterministic stripes
  return { data, shape: [count, 28, 28, 1] };
}

async function generate(
  bytes: Uint8Array,
  noise: number[],
  latentDim: number,
  backend: BrowserBackendName,
): Promise<number[]> {
  const info = await useBackend({ backend, wasmPaths, log: false });
  if (info.name !== backend) throw new Error(`asked for ${backend}, got ${info.name}`);
  const generator = await loadGenerator(decodeCheckpoint(bytes), { ema: false });
  const z = tf.tensor2d(noise, [noise.length / latentDim, latentDim]);
  const images = generator.predict(z) as tf.Tensor;
  const values = Array.from(await images.data());
  tf.dispose([z, images]);
  return values;
}

/**
 * useBackend's own choice between WASM and CPU (GPU backends left out: headless machines differ)
 * when tfjs-backend-wasm's files are not where it looks. tfjs tries WASM once per page.
 */
async function chooseWithoutWasmFiles(folder?: string) {
  const adapters = defaultBrowserAdapters({ wasmPaths: folder }).filter(
    (adapter) => adapter.name === 'wasm' || adapter.name === 'cpu',
  );
  try {
    return { chosen: (await useBackend({ adapters, wasmPaths: folder, log: false })).name };
  } catch (error) {
    const { name, code, message } = error as { name: string; code?: string; message: string };
    return { error: { name, code, message }, cpuWhenAsked: (await useBackend({ backend: 'cpu', log: false })).name };
  }
}
const api = {
  chooseWithoutWasmFiles,
  /** Starts WASM through useBackend and says what it reported and logged, and what the page is. */
  async startWasm() {
    const logged: string[] = [];
    const info = await useBackend({ backend: 'wasm', wasmPaths, log: (line) => logged.push(line) });
    return {
      info,
      logged,
      crossOriginIsolated: globalThis.crossOriginIsolated,
      logicalCores: navigator.hardwareConcurrency,
    };
  },

  /** What a training worker started by this page reports about WASM, after one step of a tiny DCGAN. */
  async wasmInWorker() {
    const script = `/test-worker.js?logicalCores=${navigator.hardwareConcurrency}`;
    const client = connectTrainingWorker(new Worker(script, { type: 'module' }));
    try {
      const result = await client.start(
        {
          backend: 'wasm',
          wasmPaths,
          model: { size: 28, latentDim: 8, filters: 4, seed: 1 },
          images: tinyImages(4),
          steps: 1,
          batchSize: 4,
        },
        { onStep: () => undefined },
      );
      return result.backend;
    } finally {
      client.terminate();
    }
  },

  /** `repeats` products of a size x size matrix with itself on the active backend (XNNPACK on WASM). */
  async multiply(size: number, repeats: number) {
    const a = tf.randomNormal([size, size], 0, 1, 'float32', 1);
    for (let i = 1; i < repeats; i++) tf.matMul(a, a).dispose();
    const last = tf.matMul(a, a);
    await last.data();
    tf.dispose([a, last]);
  },

  /** max |wasm - cpu| of one product (the cpu backend as the independent reference), back on wasm after. */
  async matMulDifferenceFromCpu(size: number) {
    const values = Array.from({ length: size * size }, (_, i) => Math.sin(i * 0.61));
    const product = async () => {
      const a = tf.tensor2d(values, [size, size]);
      const result = tf.matMul(a, a);
      const data = (await result.data()) as Float32Array;
      tf.dispose([a, result]);
      return data;
    };
    const onWasm = await product();
    await tf.setBackend('cpu');
    const onCpu = await product();
    await tf.setBackend('wasm');
    return onWasm.reduce((max, value, i) => Math.max(max, Math.abs(value - onCpu[i]!)), 0);
  },

  /** Trains a tiny DCGAN in a worker on one backend; pauses after step 2 and checks no step runs while paused. */
  async trainInWorker(backend: BrowserBackendName) {
    const client = connectTrainingWorker(new Worker('/test-worker.js', { type: 'module' }));
    const events: WorkerStepEvent[] = [];
    const samples: { step: number; width: number; height: number }[] = [];
    let stepsWhilePaused = -1;
    let uiTicks = 0;
    const ticker = setInterval(() => uiTicks++, 10);
    try {
      const result = await client.start(
        {
          backend,
          wasmPaths,
          model: { size: 28, latentDim: 8, filters: 4, seed: 1 },
          images: tinyImages(16),
          steps: 6,
          batchSize: 4,
          sampleEvery: 3,
          sampleCount: 4,
        },
        {
          onStep: async (event) => {
            events.push(event);
            if (event.step === 2) {
              await client.pause();
              // Resume later, from outside the step callback, and count the steps that ran meanwhile.
              const before = events.length;
              setTimeout(() => {
                stepsWhilePaused = events.length - before;
                void client.resume();
              }, 400);
            }
          },
          onSample: ({ step, image }) => void samples.push({ step, width: image.width, height: image.height }),
        },
      );
      return {
        backend: result.backend.name,
        steps: events.map((event) => event.step),
        tensorCounts: events.map((event) => event.numTensors),
        finite: events.every(
          (event) => Number.isFinite(event.discriminatorLoss) && Number.isFinite(event.generatorLoss),
        ),
        samples,
        stepsWhilePaused,
        checkpointBytes: result.checkpoint.byteLength,
        afterJob: (await client.memory()).numTensors,
        uiTicks,
      };
    } finally {
      clearInterval(ticker);
      client.terminate();
    }
  },

  /** Starts a long job and cancels it after the first step. */
  async cancelInWorker() {
    const client = connectTrainingWorker(new Worker('/test-worker.js', { type: 'module' }));
    try {
      const result = await client.start(
        {
          backend: 'wasm',
          wasmPaths,
          model: { size: 28, latentDim: 8, filters: 4 },
          images: tinyImages(8),
          steps: 1000,
          batchSize: 4,
        },
        { onStep: async (event) => (event.step === 1 ? client.cancel() : undefined) },
      );
      return { stoppedBy: result.summary.stoppedBy, step: result.summary.step };
    } finally {
      client.terminate();
    }
  },

  /** Generates from checkpoint bytes (base64) on one backend. */
  async generateFromCheckpoint(base64: string, noise: number[], latentDim: number, backend: BrowserBackendName) {
    return generate(
      Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)),
      noise,
      latentDim,
      backend,
    );
  },

  /** Node bytes -> IndexedDB -> back out: the bytes survive and the model generates. */
  async indexedDbImport(base64: string, noise: number[], latentDim: number) {
    const store = new IndexedDbCheckpointStore('ganforge-test');
    await store.importBytes(
      'from-node',
      Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)),
    );
    const bytes = (await store.exportBytes('from-node'))!;
    return { names: await store.list(), output: await generate(bytes, noise, latentDim, 'wasm') };
  },

  /** Trains in the page, saves to IndexedDB, and returns the stored bytes (base64) and an output. */
  async indexedDbExport(noise: number[], latentDim: number) {
    await useBackend({ backend: 'wasm', wasmPaths, log: false });
    const { generator, discriminator } = dcgan({ size: 28, latentDim, filters: 4, seed: 3 });
    const trainer = new AdversarialTrainer({ generator, discriminator, noise: { dim: latentDim }, seed: 5 });
    const images = tinyImages(8);
    const store = new IndexedDbCheckpointStore('ganforge-test');
    await trainer.fit(new TensorDataset({ real: tf.tensor4d(images.data, [...images.shape]) }), {
      batchSize: 4,
      steps: 2,
      checkpoints: { store, name: 'from-browser' },
    });
    const bytes = (await store.exportBytes('from-browser'))!;
    const output = await generate(bytes, noise, latentDim, 'wasm');
    let binary = '';
    bytes.forEach((byte) => (binary += String.fromCharCode(byte)));
    return {
      base64: btoa(binary),
      output,
      step: decodeCheckpoint(bytes).step,
      reencoded: encodeCheckpoint(decodeCheckpoint(bytes)).byteLength === bytes.byteLength,
    };
  },
};

export type BrowserTestApi = typeof api;
(globalThis as unknown as { ganforge: BrowserTestApi }).ganforge = api;
(globalThis as unknown as { ganforgeReady: boolean }).ganforgeReady = true;
