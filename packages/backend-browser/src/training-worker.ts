import {
  AdversarialTrainer,
  dcgan,
  decodeCheckpoint,
  encodeCheckpoint,
  InvalidArgumentError,
  TensorDataset,
} from '@ganforge/core';
import { tileImages } from '@ganforge/data';
import * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';

import type { TrainingJob, TrainingListener, TrainingResult, TrainingWorkerApi } from './training-job.js';
import { useBackend } from './use-backend.js';

/** A gate that `onStep` awaits: closed while paused, so training halts between steps. */
class PauseGate {
  #release: (() => void) | undefined;
  #closed: Promise<void> | undefined;

  close(): void {
    this.#closed ??= new Promise((resolve) => (this.#release = resolve));
  }

  open(): void {
    this.#release?.();
    this.#closed = undefined;
    this.#release = undefined;
  }

  passed(): Promise<void> {
    return this.#closed ?? Promise.resolve();
  }
}

/** The worker side of training, without the messaging (usable and testable in any thread). */
export function createTrainingWorkerApi(): TrainingWorkerApi {
  const gate = new PauseGate();
  let controller: AbortController | undefined;
  return {
    async start(job: TrainingJob, listener: TrainingListener): Promise<TrainingResult> {
      if (controller) throw new InvalidArgumentError('start', 'one job at a time per worker', 'a second job');
      controller = new AbortController();
      const signal = controller.signal;
      const backend = await useBackend({ backend: job.backend, wasmPaths: job.wasmPaths, log: false });
      const { generator, discriminator } = dcgan({ ...job.model, seed: job.model.seed ?? job.seed });
      const optimizer = { type: 'adam', learningRate: job.learningRate ?? 2e-4, beta1: 0.5 } as const;
      const trainer = new AdversarialTrainer({
        generator,
        discriminator,
        noise: { dim: job.model.latentDim ?? 100 },
        generatorOptimizer: optimizer,
        discriminatorOptimizer: optimizer,
        seed: job.seed ?? 0,
      });
      const real = tf.tensor4d(job.images.data, [...job.images.shape]);
      const data = new TensorDataset({ real });
      real.dispose();
      try {
        if (job.checkpoint) await trainer.restore(decodeCheckpoint(job.checkpoint));
        const summary = await trainer.fit(data, {
          batchSize: job.batchSize,
          steps: job.steps,
          signal,
          samples: job.sampleEvery ? { every: job.sampleEvery, count: job.sampleCount ?? 16 } : undefined,
          onStep: async (event) => {
            await listener.onStep?.({ ...event, numTensors: tf.memory().numTensors });
            await gate.passed();
          },
          onSample: async ({ step, images }) => {
            const image = await tileImages(images);
            await listener.onSample?.(Comlink.transfer({ step, image }, [image.data.buffer]));
          },
        });
        const checkpoint = encodeCheckpoint(await trainer.checkpoint());
        return Comlink.transfer({ backend, summary, checkpoint }, [checkpoint.buffer]);
      } finally {
        trainer.dispose();
        data.dispose();
        tf.dispose([...generator.weights, ...discriminator.weights].map((weight) => weight.read()));
        controller = undefined;
        gate.open();
      }
    },
    pause: () => gate.close(),
    resume: () => gate.open(),
    cancel: () => {
      controller?.abort();
      gate.open();
    },
    memory: () => {
      const { numTensors, numBytes } = tf.memory();
      return { numTensors, numBytes };
    },
  };
}

/**
 * Serves {@link TrainingWorkerApi} from inside a Web Worker. Call it in the worker script; the page
 * talks to it with {@link connectTrainingWorker}. Training runs off the UI thread, so the page never
 * blocks; steps, samples, pause, resume and cancel travel by comlink.
 *
 * @example
 * ```ts
 * // training.worker.ts
 * import { exposeTrainingWorker } from '@ganforge/backend-browser';
 * exposeTrainingWorker();
 * ```
 */
export function exposeTrainingWorker(): void {
  Comlink.expose(createTrainingWorkerApi());
}
