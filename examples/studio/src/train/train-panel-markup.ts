import { dcganSettings } from './run-settings.js';

/** The Train panel's elements, by role (the ids are what the browser tests use). */
export interface TrainPanelElements {
  readonly model: HTMLSelectElement;
  readonly dataset: HTMLSelectElement;
  readonly start: HTMLButtonElement;
  readonly pause: HTMLButtonElement;
  readonly stop: HTMLButtonElement;
  readonly discriminatorStep: HTMLButtonElement;
  readonly generatorStep: HTMLButtonElement;
  readonly generatorRate: HTMLInputElement;
  readonly discriminatorRate: HTMLInputElement;
  readonly discriminatorSteps: HTMLInputElement;
  readonly status: HTMLElement;
  readonly backend: HTMLElement;
  readonly step: HTMLElement;
  readonly speed: HTMLElement;
  readonly tensors: HTMLElement;
  readonly samples: HTMLCanvasElement;
  readonly fixedNoise: HTMLCanvasElement;
  readonly chart: HTMLElement;
  readonly history: HTMLElement;
  readonly pyramidCard: HTMLElement;
  readonly pyramid: HTMLElement;
}

// Markup only: no user text goes in here (run names are set with textContent elsewhere).
const markup = `
  <div class="studio-card">
    <div class="studio-controls train-controls">
      <label>Model <select id="train-model">
        <option value="dcgan">DCGAN</option>
        <option value="lapgan">LAPGAN (3 levels)</option>
      </select></label>
      <label>Data <select id="train-dataset">
        <option value="mnist">MNIST digits</option>
        <option value="fashion-mnist">Fashion-MNIST</option>
      </select></label>
      <button id="train-start">Start</button>
      <button id="train-pause" disabled>Pause</button>
      <button id="train-stop" disabled title="stop and save the run to the library">Stop</button>
      <button id="train-d-step" disabled title="one discriminator update (while paused)">D step</button>
      <button id="train-g-step" disabled title="one generator update (while paused)">G step</button>
    </div>
    <div class="studio-controls train-controls">
      <label>G learning rate <input id="train-lr-g" type="number" min="0.000001" max="1" step="0.0001" value="${dcganSettings.learningRate}" /></label>
      <label>D learning rate <input id="train-lr-d" type="number" min="0.000001" max="1" step="0.0001" value="${dcganSettings.learningRate}" /></label>
      <label>D steps per G step <input id="train-k" type="number" min="1" max="10" step="1" value="1" /></label>
      <span class="studio-muted">(applied live)</span>
    </div>
    <div id="train-status" class="studio-status" role="status">Pick a model and a data set, then Start.</div>
    <div class="train-stats studio-muted">
      <span id="train-backend"></span>
      <span id="train-step"></span>
      <span id="train-speed"></span>
      <span id="train-tensors"></span>
    </div>
  </div>
  <div class="studio-row" style="margin-top: 1rem">
    <div class="studio-card train-card"><h3>Samples (new noise)</h3><canvas id="train-samples" class="studio-pixels" width="1" height="1"></canvas></div>
    <div class="studio-card train-card"><h3>Fixed noise (the same z)</h3><canvas id="train-fixed" class="studio-pixels" width="1" height="1"></canvas></div>
    <div class="studio-card train-card"><h3>Losses</h3><div id="train-chart" data-points="0"></div></div>
    <div class="studio-card train-card"><h3>Fixed noise over time</h3><div id="train-history" class="train-history" data-rows="0"></div></div>
  </div>
  <div id="train-pyramid-card" class="studio-card train-card" style="margin-top: 1rem" hidden>
    <h3>LAPGAN pyramid (fixed noise, coarse to fine)</h3>
    <div id="train-pyramid"></div>
  </div>`;

/** Fills `root` with the panel's markup and returns its elements. */
export function createTrainPanel(root: HTMLElement): TrainPanelElements {
  root.innerHTML = markup;
  const get = <T extends HTMLElement>(id: string) => root.querySelector<T>(`#${id}`)!;
  return {
    model: get('train-model'),
    dataset: get('train-dataset'),
    start: get('train-start'),
    pause: get('train-pause'),
    stop: get('train-stop'),
    discriminatorStep: get('train-d-step'),
    generatorStep: get('train-g-step'),
    generatorRate: get('train-lr-g'),
    discriminatorRate: get('train-lr-d'),
    discriminatorSteps: get('train-k'),
    status: get('train-status'),
    backend: get('train-backend'),
    step: get('train-step'),
    speed: get('train-speed'),
    tensors: get('train-tensors'),
    samples: get('train-samples'),
    fixedNoise: get('train-fixed'),
    chart: get('train-chart'),
    history: get('train-history'),
    pyramidCard: get('train-pyramid-card'),
    pyramid: get('train-pyramid'),
  };
}
