import { useBackend } from '@ganforge/backend-browser';
import { type BackendInfo, type StepEvent } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';

import { dcganRunner } from './dcgan-runner.js';
import type { GanRunner } from './gan-runner.js';
import { lapganRunner } from './lapgan-runner.js';
import { setDiscriminatorSteps, setLearningRates, singleUpdateOptions } from './live-trainer-controls.js';
import { loadTrainingImages } from './training-images.js';
import type {
  LearningRates,
  LossPoint,
  SingleUpdate,
  TrainJob,
  TrainListener,
  TrainResult,
  TrainWorkerApi,
} from './train-protocol.js';

const datasetNames = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST' } as const;
/** How often losses travel to the page: often enough for a live chart, rarely enough to stay cheap. */
const progressEveryMs = 250;

/** Lets the worker read the page's messages (pause, stop, a new learning rate) between steps. */
function nextTask(): Promise<void> {
  const channel = new MessageChannel();
  return new Promise((resolve) => {
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

type State = 'running' | 'paused' | 'stopping';

/**
 * The training worker's side: trains one run at a time until stopped, in rounds (one step of each
 * level), reporting losses and pictures, and obeys pause, resume, single updates and live settings
 * between steps. Runs in any thread; train.worker.ts serves it from a Web Worker.
 */
export class TrainingLoop implements TrainWorkerApi {
  #backend: BackendInfo | undefined;
  #state: State = 'stopping';
  #changed: (() => void) | undefined;
  /** Training and single updates take turns: each waits for the one before to finish. */
  #turn: Promise<unknown> = Promise.resolve();
  #run: { runner: GanRunner; job: TrainJob; listener: TrainListener; rates: LearningRates } | undefined;

  async start(job: TrainJob, listener: TrainListener): Promise<TrainResult> {
    if (this.#run) throw new Error('A run is already training in this worker; stop it first.');
    this.#state = 'running';
    let images: tf.Tensor4D | undefined;
    let runner: GanRunner | undefined;
    try {
      this.#backend ??= await useBackend({ backend: job.backend, wasmPaths: job.wasmPaths, log: false });
      listener.onStatus(`Backend ${this.#backend.name} ready; loading ${datasetNames[job.dataset]}...`);
      images = await loadTrainingImages(job.dataUrl, datasetNames[job.dataset]);
      listener.onStatus(
        job.model === 'lapgan'
          ? 'Building the Laplacian pyramids of the training images and the three levels...'
          : 'Building the DCGAN...',
      );
      const options = {
        learningRates: job.learningRates,
        discriminatorSteps: job.discriminatorSteps,
        resumeFiles: job.resumeFiles,
      };
      runner = job.model === 'dcgan' ? await dcganRunner(images, options) : await lapganRunner(images, options);
      this.#run = { runner, job, listener, rates: job.learningRates };
      listener.onReady({
        backend: this.#backend.name,
        device: this.#backend.device,
        images: runner.images,
        step: runner.trainers[0]!.step,
        lossNames: runner.lossNames,
      });
      listener.onSnapshot(await runner.snapshot(runner.trainers[0]!.step));
      // Read through a method: the state changes while this awaits (pause, resume, stop from the page).
      while (this.#current() !== 'stopping') {
        if (this.#current() === 'running') await this.#take(() => this.#trainUntilPaused());
        else await new Promise<void>((resolve) => (this.#changed = resolve));
      }
      const { rates } = this.#run;
      const files = await this.#take(() => runner!.files(job.dataset, rates));
      const step = runner.trainers.reduce((sum, trainer) => sum + trainer.step, 0);
      return Comlink.transfer(
        { model: job.model, dataset: job.dataset, step, files },
        Object.values(files).map((bytes) => bytes.buffer as ArrayBuffer),
      );
    } finally {
      runner?.dispose();
      images?.dispose();
      this.#run = undefined;
      this.#state = 'stopping';
    }
  }

  async pause(): Promise<void> {
    if (this.#state === 'running') this.#setState('paused');
    // Resolves once the round in progress has ended and its losses have been sent.
    await this.#turn;
  }

  resume(): void {
    if (this.#state === 'paused') this.#setState('running');
  }

  stop(): void {
    if (this.#run) this.#setState('stopping');
  }

  async singleUpdate(update: SingleUpdate): Promise<void> {
    if (!this.#run || this.#state !== 'paused')
      throw new Error('Pause training first: single updates run while paused.');
    await this.#take(async () => {
      const { runner, listener } = this.#run!;
      const points: number[] = [];
      for (const [level, trainer] of runner.trainers.entries()) {
        const summary = await trainer.fit(runner.datasets[level]!, singleUpdateOptions(runner.batchSize, update));
        points.push(...losses(summary.lastStep));
      }
      const step = runner.trainers[0]!.step;
      listener.onProgress(this.#progress([{ step, losses: points }], 0));
      listener.onSnapshot(await runner.snapshot(step));
    });
  }

  setLearningRates(rates: LearningRates): void {
    if (!this.#run) return;
    this.#run.rates = rates;
    for (const trainer of this.#run.runner.trainers) setLearningRates(trainer, rates);
  }

  setDiscriminatorSteps(steps: number): void {
    for (const trainer of this.#run?.runner.trainers ?? []) setDiscriminatorSteps(trainer, steps);
  }

  #current(): State {
    return this.#state;
  }

  #setState(state: State): void {
    this.#state = state;
    this.#changed?.();
    this.#changed = undefined;
  }

  #take<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.#turn.then(work);
    this.#turn = turn.catch(() => undefined);
    return turn;
  }

  /** Trains in rounds until paused or stopped; the fit runs end then, so single updates can run. */
  async #trainUntilPaused(): Promise<void> {
    const { runner, listener, job } = this.#run!;
    // Open-ended runs, ended by the abort below when the loop leaves (pause or stop).
    const controller = new AbortController();
    const runs = runner.trainers.map((trainer, level) => {
      const run = trainer.fit(runner.datasets[level]!, { batchSize: runner.batchSize, signal: controller.signal });
      return run[Symbol.asyncIterator]();
    });
    const started = performance.now();
    let rounds = 0;
    let points: LossPoint[] = [];
    let sent = started;
    const send = () => {
      listener.onProgress(this.#progress(points, (rounds * 1000) / Math.max(performance.now() - started, 1)));
      points = [];
      sent = performance.now();
    };
    try {
      while (this.#state === 'running') {
        const round: number[] = [];
        for (const run of runs) {
          const next = await run.next();
          if (next.done) throw new Error('Training ended by itself; it should run until stopped.');
          round.push(...losses(next.value));
        }
        rounds++;
        const step = runner.trainers[0]!.step;
        points.push({ step, losses: round });
        if (performance.now() - sent >= progressEveryMs) send();
        if (step % job.snapshotEvery === 0) listener.onSnapshot(await runner.snapshot(step));
        await nextTask();
      }
    } finally {
      controller.abort();
      await Promise.all(runs.map((run) => run.return?.()));
    }
    send();
  }

  #progress(points: LossPoint[], stepsPerSecond: number) {
    const { runner } = this.#run!;
    return {
      step: runner.trainers[0]!.step,
      levelSteps: runner.trainers.map((trainer) => trainer.step),
      stepsPerSecond,
      points,
      numTensors: tf.memory().numTensors,
    };
  }
}

function losses(event: StepEvent | undefined): number[] {
  return event ? [event.discriminatorLoss, event.generatorLoss] : [Number.NaN, Number.NaN];
}
