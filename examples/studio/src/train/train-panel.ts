import './train-panel.css';

import * as Comlink from 'comlink';

import type { StoredRun } from '../models/run-library.js';
import type { StudioContext } from '../shell/studio-context.js';
import { FixedNoiseHistory } from './fixed-noise-history.js';
import { showPyramid } from './lapgan-pyramid-view.js';
import { LossChart } from './loss-chart.js';
import { drawPixels } from './pixel-canvas.js';
import { dcganSettings, lapganSettings } from './run-settings.js';
import { createTrainPanel } from './train-panel-markup.js';
import type {
  LearningRates,
  SingleUpdate,
  TrainDataset,
  TrainListener,
  TrainModel,
  TrainWorkerApi,
} from './train-protocol.js';

type PanelState = 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'stopping';

const modelNames: Record<TrainModel, string> = { dcgan: 'DCGAN', lapgan: 'LAPGAN' };
const datasetNames: Record<TrainDataset, string> = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST' };
/** Snapshot interval in steps: LAPGAN rounds are three steps and its pyramid costs more to draw. */
const snapshotEvery: Record<TrainModel, number> = { dcgan: 20, lapgan: 10 };

/** A run from the library to continue: its files, and where to save it back. */
interface Continuation {
  readonly run: StoredRun;
}

/**
 * The Train panel: trains a DCGAN or LAPGAN on MNIST or Fashion-MNIST in a Web Worker and shows it
 * live (samples, fixed-noise grid and its history, loss curves, the LAPGAN pyramid), with GAN
 * Lab-style controls. A stopped run is saved to the run library as a `ganforge train` run folder.
 */
export function mountTrainPanel(root: HTMLElement, context: StudioContext): void {
  const ui = createTrainPanel(root);
  const chart = new LossChart(ui.chart);
  const history = new FixedNoiseHistory(ui.history);
  let state: PanelState = 'idle';
  let worker: { thread: Worker; api: Comlink.Remote<TrainWorkerApi> } | undefined;

  const setState = (next: PanelState) => {
    state = next;
    root.dataset['state'] = next;
    const training = next === 'running' || next === 'paused';
    ui.start.disabled = next !== 'idle';
    ui.model.disabled = ui.dataset.disabled = next !== 'idle';
    ui.pause.disabled = ui.stop.disabled = !training;
    ui.pause.textContent = next === 'paused' ? 'Resume' : 'Pause';
    ui.discriminatorStep.disabled = ui.generatorStep.disabled = next !== 'paused';
  };
  setState('idle');
  const status = (text: string) => (ui.status.textContent = text);
  const fail = (where: string, error: unknown) => {
    status(`${context.showError(where, error)}`);
    root.dataset['failed'] = 'true';
  };

  /** Reads the live settings; an invalid one is reported in the page and not sent. */
  const learningRates = (): LearningRates | undefined => {
    const generator = Number(ui.generatorRate.value);
    const discriminator = Number(ui.discriminatorRate.value);
    const valid = (rate: number) => Number.isFinite(rate) && rate > 0 && rate <= 1;
    if (valid(generator) && valid(discriminator)) return { generator, discriminator };
    status('A learning rate must be a number above 0 and at most 1 (e.g. 0.0002); it was not changed.');
    return undefined;
  };
  const discriminatorSteps = (): number | undefined => {
    const steps = Number(ui.discriminatorSteps.value);
    if (Number.isInteger(steps) && steps >= 1 && steps <= 10) return steps;
    status('D steps per G step must be a whole number from 1 to 10; it was not changed.');
    return undefined;
  };

  const connect = () => {
    if (worker) return worker;
    const thread = new Worker(new URL('./train.worker.ts', import.meta.url), {
      type: 'module',
      name: 'ganforge-train',
    });
    thread.addEventListener('error', (event) => {
      event.preventDefault(); // reported here, not again as the page's uncaught error
      fail('The training worker failed', event.error ?? new Error(event.message || 'the worker script did not load'));
      dropWorker();
      setState('idle');
    });
    worker = { thread, api: Comlink.wrap<TrainWorkerApi>(thread) };
    return worker;
  };
  const dropWorker = () => {
    worker?.thread.terminate();
    worker = undefined;
  };

  const listener: TrainListener = {
    onStatus: (text) => status(text),
    onReady: (ready) => {
      ui.backend.textContent = `backend: ${ready.backend} (${ready.device})`;
      chart.reset(ready.lossNames);
      ui.chart.dataset['points'] = '0';
      ui.step.textContent = `step ${ready.step}`;
      status(`Training on ${ready.images.toLocaleString('en')} images.`);
      setState('running');
    },
    onProgress: (progress) => {
      chart.add(progress.points);
      ui.chart.dataset['points'] = String(chart.points);
      ui.step.dataset['step'] = String(progress.step);
      ui.step.textContent =
        progress.levelSteps.length > 1
          ? `step ${progress.step} (levels ${progress.levelSteps.join(' / ')})`
          : `step ${progress.step}`;
      if (progress.stepsPerSecond > 0) ui.speed.textContent = `${progress.stepsPerSecond.toFixed(1)} steps/s`;
      ui.tensors.dataset['count'] = String(progress.numTensors);
      ui.tensors.textContent = `${progress.numTensors} tensors in the worker`;
    },
    onSnapshot: (snapshot) => {
      drawPixels(ui.samples, snapshot.samples, 4);
      drawPixels(ui.fixedNoise, snapshot.fixedNoise, 4);
      history.add(snapshot.step, snapshot.historyRow);
      if (snapshot.pyramid) showPyramid(ui.pyramid, snapshot.pyramid);
    },
  };

  const start = async (continuation?: Continuation) => {
    if (state !== 'idle') return;
    const rates = learningRates();
    const steps = discriminatorSteps();
    if (!rates || steps === undefined) return;
    const model = ui.model.value as TrainModel;
    const dataset = ui.dataset.value as TrainDataset;
    delete root.dataset['failed'];
    setState('starting');
    history.clear();
    ui.step.textContent = ui.speed.textContent = '';
    ui.step.dataset['step'] = '0';
    ui.pyramidCard.hidden = model !== 'lapgan';
    ui.pyramid.replaceChildren();
    status(
      continuation
        ? `Continuing "${continuation.run.name}" from step ${continuation.run.step}: loading ${datasetNames[dataset]}...`
        : `Loading ${datasetNames[dataset]} and starting the backend...`,
    );
    const { api } = connect();
    try {
      const result = await api.start(
        {
          model,
          dataset,
          dataUrl: new URL(`${import.meta.env.BASE_URL}data/${dataset}-images.idx`, location.href).href,
          backend: context.backend,
          wasmPaths: context.wasmPaths,
          learningRates: rates,
          discriminatorSteps: steps,
          snapshotEvery: snapshotEvery[model],
          resumeFiles: continuation?.run.files,
        },
        Comlink.proxy(listener),
      );
      status('Saving the run to the library...');
      const name = continuation?.run.name ?? `${modelNames[model]} on ${datasetNames[dataset]}`;
      const saved = await context.library.put({
        // A run trained here is continued in place; an imported one stays as it was, beside the new run.
        id: continuation?.run.origin === 'trained in the studio' ? continuation.run.id : undefined,
        name,
        family: result.model,
        step: result.step,
        origin: 'trained in the studio',
        files: result.files,
      });
      root.dataset['savedRun'] = saved.id;
      status(`Stopped and saved "${saved.name}" (${saved.fileNames.join(', ')}) to the library: open it in Models.`);
    } catch (error) {
      fail(`Training ${modelNames[model]} on ${datasetNames[dataset]} failed`, error);
      // A worker whose run failed may hold a half-started backend: the next Start gets a fresh one.
      dropWorker();
    } finally {
      setState('idle');
    }
  };

  const command = (where: string, action: () => Promise<unknown>) =>
    void action().catch((error: unknown) => fail(where, error));

  ui.model.addEventListener('change', () => {
    const rate = ui.model.value === 'lapgan' ? lapganSettings.learningRate : dcganSettings.learningRate;
    ui.generatorRate.value = ui.discriminatorRate.value = String(rate);
  });
  ui.start.addEventListener('click', () => void start());
  ui.pause.addEventListener('click', () => {
    if (!worker) return;
    const api = worker.api;
    if (state === 'running') {
      setState('pausing');
      command('Pausing', async () => {
        await api.pause();
        if (state !== 'pausing') return;
        setState('paused');
        status('Paused: D step and G step update one network at a time.');
      });
    } else if (state === 'paused') {
      setState('running');
      status('Training.');
      command('Resuming', () => api.resume());
    }
  });
  ui.stop.addEventListener('click', () => {
    if (!worker || (state !== 'running' && state !== 'paused')) return;
    setState('stopping');
    status('Stopping...');
    command('Stopping', () => worker!.api.stop());
  });
  const single = (update: SingleUpdate) => {
    if (!worker || state !== 'paused') return;
    const api = worker.api;
    ui.discriminatorStep.disabled = ui.generatorStep.disabled = true;
    command(`The single ${update} update`, async () => {
      try {
        await api.singleUpdate(update);
      } finally {
        if (state === 'paused') ui.discriminatorStep.disabled = ui.generatorStep.disabled = false;
      }
    });
  };
  ui.discriminatorStep.addEventListener('click', () => single('discriminator'));
  ui.generatorStep.addEventListener('click', () => single('generator'));
  const sendRates = () => {
    const rates = learningRates();
    if (!rates || !worker || state === 'idle') return;
    const api = worker.api;
    command('Changing the learning rates', async () => {
      await api.setLearningRates(rates);
      status(`Learning rates now G ${rates.generator}, D ${rates.discriminator}.`);
    });
  };
  ui.generatorRate.addEventListener('change', sendRates);
  ui.discriminatorRate.addEventListener('change', sendRates);
  ui.discriminatorSteps.addEventListener('change', () => {
    const steps = discriminatorSteps();
    if (steps === undefined || !worker || state === 'idle') return;
    const api = worker.api;
    command('Changing the D steps per G step', async () => {
      await api.setDiscriminatorSteps(steps);
      status(`Now ${steps} D update${steps === 1 ? '' : 's'} per G update.`);
    });
  });

  // "Continue" from the model library: main.ts hands the run id to this panel's root.
  root.addEventListener('studio:open-run', (event) => {
    const id = (event as CustomEvent<string>).detail;
    void (async () => {
      if (state !== 'idle') {
        status('Stop the current run before continuing another one.');
        return;
      }
      const run = await context.library.get(id);
      if (!run) throw new Error(`the run ${id} is no longer in the library`);
      if (run.family !== 'dcgan' && run.family !== 'lapgan') {
        throw new Error(`"${run.name}" is a ${run.family} run; the Train panel continues DCGAN and LAPGAN runs`);
      }
      ui.model.value = run.family;
      await start({ run });
    })().catch((error: unknown) => fail('Continuing a run', error));
  });
}
