import { type BrowserBackendName, connectTrainingWorker, IndexedDbCheckpointStore } from '@ganforge/backend-browser';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

import { loadMnistImages } from './mnist-images.js';

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const startButton = element<HTMLButtonElement>('start');
const pauseButton = element<HTMLButtonElement>('pause');
const cancelButton = element<HTMLButtonElement>('cancel');
const status = element<HTMLDivElement>('status');
const canvas = element<HTMLCanvasElement>('samples');

// The spinner proves the UI thread never blocks while the worker trains.
const frames = '|/-\\';
let frame = 0;
setInterval(() => (element('spinner').textContent = frames[frame++ % frames.length]!), 100);

let paused = false;

startButton.addEventListener('click', async () => {
  startButton.disabled = true;
  status.textContent = 'Loading MNIST...';
  const images = await loadMnistImages();
  const client = connectTrainingWorker(
    new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' }),
  );
  pauseButton.disabled = false;
  cancelButton.disabled = false;
  pauseButton.onclick = async () => {
    paused = !paused;
    await (paused ? client.pause() : client.resume());
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
  };
  cancelButton.onclick = () => void client.cancel();
  const steps = Number(element<HTMLInputElement>('steps').value);
  const backend = (element<HTMLSelectElement>('backend').value || undefined) as BrowserBackendName | undefined;
  try {
    const result = await client.start(
      {
        backend,
        // Vite hashes asset names, so tfjs-backend-wasm gets each file's URL.
        wasmPaths: {
          'tfjs-backend-wasm.wasm': new URL(wasmUrl, location.href).href,
          'tfjs-backend-wasm-simd.wasm': new URL(wasmSimdUrl, location.href).href,
          'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedSimdUrl, location.href).href,
        },
        // The CLI demo's model: a DCGAN narrowed to filters 32, batch 32, Adam 3e-4.
        model: { size: 28, latentDim: 64, filters: 32 },
        images,
        steps,
        batchSize: 32,
        learningRate: 3e-4,
        sampleEvery: 25,
        sampleCount: 36,
      },
      {
        onStep: (event) => {
          status.textContent =
            `step ${event.step} / ${steps}${paused ? ' (paused)' : ''}\n` +
            `${event.stepsPerSecond.toFixed(1)} steps/s\n` +
            `D loss ${event.discriminatorLoss.toFixed(3)}\nG loss ${event.generatorLoss.toFixed(3)}\n` +
            `tensors in the worker: ${event.numTensors}`;
        },
        onSample: ({ image }) => {
          canvas.width = image.width;
          canvas.height = image.height;
          canvas
            .getContext('2d')!
            .putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
        },
      },
    );
    await new IndexedDbCheckpointStore('ganforge-playground').importBytes('latest', result.checkpoint);
    status.textContent += `\n\n${result.summary.stoppedBy === 'abort' ? 'Cancelled' : 'Done'} on ${result.backend.device}.\nThe checkpoint is saved in IndexedDB.`;
  } catch (error) {
    status.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    client.terminate();
    startButton.disabled = false;
    pauseButton.disabled = true;
    cancelButton.disabled = true;
  }
});
