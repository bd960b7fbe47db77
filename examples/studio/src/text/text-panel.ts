import { importRunFiles } from '../models/import-run.js';
import type { RunSummary } from '../models/run-library.js';
import type { StudioContext } from '../shell/studio-context.js';
import { exampleCaptions, exampleInterpolation } from './example-captions.js';
import { startTextToImageWorker, type TextToImageClient } from './text-to-image-client.js';
import type { PicturePixels, TextToImageModelInfo } from './text-to-image-sampler.js';
import './text-panel.css';

/** Rows of the caption grid kept on screen; the oldest goes first. */
const maxRows = 6;
/** Pixels of the large interpolation picture per model pixel (a 32 px model shows at 256 px). */
const pictureScale = 8;

/**
 * Text to image (issue 14): pick or load a `ganforge train text2img` run, type captions and see a
 * grid of pictures (one row per caption, the same noise per column, as `ganforge text2img` draws
 * it), and GAN-INT: a slider between two captions' embeddings with the noise fixed. The model runs
 * in a worker; the page only draws pixels.
 */
export function mountTextPanel(root: HTMLElement, context: StudioContext): void {
  root.innerHTML = `
    <div class="studio-card text-card">
      <h2>Model</h2>
      <div class="studio-controls">
        <label>Run <select id="text-run"><option value="">Pick a text-to-image run</option></select></label>
        <label>or load a run's files <input id="text-run-files" type="file" multiple accept=".gfckpt,.json,.zip" /></label>
      </div>
      <p class="studio-muted">A run is the folder <code>ganforge train text2img --out DIR</code> writes: select its
        <code>latest.gfckpt</code> and <code>text-encoder.json</code> together (or a .zip of the folder). Loaded runs are kept in the Models tab.</p>
      <div id="text-model" class="studio-status" role="status">No run loaded.</div>
    </div>
    <div class="studio-card text-card">
      <h2>Caption to pictures</h2>
      <form id="text-generate-form" class="studio-controls">
        <input id="text-caption" class="text-caption" type="text" placeholder="a large red circle in the center on a black background" aria-label="Caption" />
        <button id="text-generate" type="submit">Generate</button>
      </form>
      <div class="studio-controls">
        <label>Pictures per caption <input id="text-count" type="number" min="1" max="16" value="8" /></label>
        <label>Seed <input id="text-seed" type="number" min="0" step="1" value="0" /></label>
        <button id="text-new-noise" type="button" title="Draw new noise (the next seed) for every row">New noise</button>
        <button id="text-clear" type="button">Clear rows</button>
      </div>
      <div class="studio-controls text-examples"><span class="studio-muted">Examples:</span></div>
      <div id="text-status" class="studio-status" role="status"></div>
      <div id="text-grid" class="text-grid"></div>
    </div>
    <div class="studio-card text-card">
      <h2>Interpolation (GAN-INT)</h2>
      <form id="text-interpolate-form" class="studio-controls">
        <label>From <input id="text-from" class="text-caption-short" type="text" /></label>
        <label>To <input id="text-to" class="text-caption-short" type="text" /></label>
        <label>Steps <input id="text-steps" type="number" min="2" max="17" value="9" /></label>
        <button id="text-interpolate" type="submit">Interpolate</button>
      </form>
      <p class="studio-muted">The picture for (1 − β) · e(from) + β · e(to), the noise fixed (the seed above).</p>
      <div class="text-interpolation">
        <canvas id="text-interpolation-picture" class="studio-pixels"></canvas>
        <div>
          <label>β <input id="text-beta" type="range" min="0" max="1" step="0.125" value="0" disabled />
            <output id="text-beta-value">0.000</output></label>
          <div id="text-interpolation-row" class="text-interpolation-row"></div>
        </div>
      </div>
      <div id="text-interpolation-status" class="studio-status" role="status"></div>
    </div>`;
  const $ = <T extends HTMLElement>(id: string) => root.querySelector<T>(`#${id}`)!;
  const runSelect = $<HTMLSelectElement>('text-run');
  const runFiles = $<HTMLInputElement>('text-run-files');
  const modelStatus = $('text-model');
  const caption = $<HTMLInputElement>('text-caption');
  const countInput = $<HTMLInputElement>('text-count');
  const seedInput = $<HTMLInputElement>('text-seed');
  const status = $('text-status');
  const grid = $('text-grid');
  const fromInput = $<HTMLInputElement>('text-from');
  const toInput = $<HTMLInputElement>('text-to');
  const stepsInput = $<HTMLInputElement>('text-steps');
  const beta = $<HTMLInputElement>('text-beta');
  const betaValue = $<HTMLOutputElement>('text-beta-value');
  const picture = $<HTMLCanvasElement>('text-interpolation-picture');
  const interpolationRow = $('text-interpolation-row');
  const interpolationStatus = $('text-interpolation-status');
  [fromInput.value, toInput.value] = exampleInterpolation;

  let client: TextToImageClient | undefined;
  let info: TextToImageModelInfo | undefined;
  let rows: string[] = [];
  let steps: PicturePixels[] = [];
  /** One worker call at a time, in order: a generate never runs against a half-loaded run. */
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  /** Fails in the panel's status line and the page's banner (`showError`). */
  const fail = (line: HTMLElement, where: string, error: unknown) => {
    line.textContent = context.showError(where, error);
    line.classList.add('text-error');
  };
  /** A person's input to fix (an empty caption): said where they look, not raised in the banner. */
  const refuse = (line: HTMLElement, text: string) => {
    line.textContent = text;
    line.classList.add('text-error');
  };
  const say = (line: HTMLElement, text: string) => {
    line.textContent = text;
    line.classList.remove('text-error');
  };

  const worker = async () => {
    if (!client) {
      client = startTextToImageWorker((message) => fail(modelStatus, 'The text-to-image worker failed', message));
    }
    await client.api.start(context.backend, { ...context.wasmPaths });
    return client.api;
  };

  for (const example of exampleCaptions) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'text-example';
    button.textContent = example;
    button.addEventListener('click', () => {
      caption.value = example;
      void generateFor(example);
    });
    root.querySelector('.text-examples')!.append(button);
  }

  // The run picker follows the library (runs imported in the Models tab appear here too).
  const refreshRuns = async () => {
    const runs = (await context.library.list()).filter((run) => run.family === 'text2img');
    const chosen = runSelect.value;
    runSelect.replaceChildren(new Option(runs.length ? 'Pick a text-to-image run' : 'No text-to-image runs yet', ''));
    for (const run of runs) runSelect.append(new Option(runLabel(run), run.id));
    runSelect.value = runs.some((run) => run.id === chosen) ? chosen : '';
  };
  context.library.onChange(() => void refreshRuns().catch((error: unknown) => fail(modelStatus, 'Run list', error)));

  const showLoaded = async (id: string, name: string, loadedInfo: TextToImageModelInfo) => {
    info = loadedInfo;
    runSelect.value = id;
    const backend = await (await worker()).start(context.backend, { ...context.wasmPaths });
    say(modelStatus, `${name}: ${describeModel(loadedInfo)}; on ${backend.name} (${backend.device}).`);
  };

  const loadRun = (id: string) =>
    enqueue(async () => {
      say(modelStatus, 'Loading the run…');
      try {
        const run = await context.library.get(id);
        if (!run) throw new Error('This run is no longer in the library (removed in the Models tab?).');
        await showLoaded(id, run.name, await (await worker()).load({ ...run.files }));
      } catch (error) {
        fail(modelStatus, 'Loading the run failed', error);
      }
    });

  runSelect.addEventListener('change', () => {
    if (runSelect.value) void loadRun(runSelect.value);
  });
  root.addEventListener('studio:open-run', (event) => {
    const id = (event as CustomEvent<string>).detail;
    void refreshRuns().then(() => loadRun(id));
  });

  runFiles.addEventListener('change', () => {
    const files = [...(runFiles.files ?? [])];
    runFiles.value = '';
    if (files.length === 0) return;
    void (async () => {
      say(modelStatus, `Reading ${files.map((file) => file.name).join(', ')}…`);
      try {
        // The Models tab's import checks every file (in its own worker) and keeps the run in the library.
        const stored = await importRunFiles(files, context.library);
        if (stored.family !== 'text2img') {
          throw new Error(
            `${stored.name} is a ${stored.family} run (kept in the Models tab); this panel needs a run of \`ganforge train text2img\` (latest.gfckpt with text-encoder.json).`,
          );
        }
        await refreshRuns();
        await loadRun(stored.id);
      } catch (error) {
        fail(modelStatus, 'Loading the run failed', error);
      }
    })();
  });

  const generateFor = (text: string) =>
    enqueue(async () => {
      const trimmed = text.trim();
      if (!trimmed) return refuse(status, 'Type a caption first (or click one of the examples).');
      if (!info || !client) {
        return refuse(status, 'Load a text-to-image run first (pick one above or load its files).');
      }
      const count = readInteger(countInput, 1, 16, 'Pictures per caption');
      const seed = readInteger(seedInput, 0, 2 ** 31 - 1, 'Seed');
      if (count === undefined || seed === undefined) return refuse(status, invalidNumber());
      const next = [...rows.filter((row) => row !== trimmed), trimmed].slice(-maxRows);
      await renderGrid(next, count, seed, await unknownWordsNote(trimmed));
    });

  const renderGrid = async (captions: string[], count: number, seed: number, note = '') => {
    say(status, `Generating ${captions.length} × ${count} pictures…`);
    try {
      const pictures = await client!.api.generate(captions, count, seed);
      rows = captions;
      grid.replaceChildren(
        ...captions.map((text, row) => {
          const line = document.createElement('div');
          line.className = 'text-grid-row';
          const label = document.createElement('div');
          label.className = 'text-grid-caption';
          label.textContent = text;
          const cells = document.createElement('div');
          cells.className = 'text-grid-cells';
          for (let column = 0; column < count; column++) {
            const canvas = pictureCanvas(pictures[row * count + column]!, info!.size, 'text-picture');
            canvas.dataset['row'] = String(row);
            canvas.dataset['column'] = String(column);
            canvas.title = `${text} (seed ${seed}, column ${column + 1})`;
            cells.append(canvas);
          }
          line.append(label, cells);
          return line;
        }),
      );
      say(status, `${captions.length} × ${count} pictures, seed ${seed}: each column shares its noise.${note}`);
    } catch (error) {
      fail(status, 'Generate', error);
    }
  };

  const unknownWordsNote = async (text: string) => {
    const { words, notIn } = await client!.api.unknownWords(text);
    if (words.length === 0) return '';
    return notIn === 'vocabulary'
      ? `\nUnknown words (not in the encoder's vocabulary, read as "unknown"): ${words.join(', ')}.`
      : `\nWords the model never saw in its training captions (it may ignore them): ${words.join(', ')}.`;
  };

  $('text-generate-form').addEventListener('submit', (event) => {
    event.preventDefault(); // Enter in the caption field submits too
    void generateFor(caption.value);
  });
  $('text-new-noise').addEventListener('click', () => {
    seedInput.value = String((Number(seedInput.value) || 0) + 1);
    if (rows.length && info) {
      const count = readInteger(countInput, 1, 16, 'Pictures per caption');
      if (count === undefined) return refuse(status, invalidNumber());
      void enqueue(() => renderGrid(rows, count, Number(seedInput.value)));
    }
  });
  $('text-clear').addEventListener('click', () => {
    rows = [];
    grid.replaceChildren();
    say(status, '');
  });

  // GAN-INT: the worker computes the whole row once; the slider only picks a picture from it.
  const showStep = () => {
    if (steps.length === 0) return;
    const index = Math.round(Number(beta.value) * (steps.length - 1));
    betaValue.value = (index / (steps.length - 1)).toFixed(3);
    drawPixels(picture, steps[index]!, info!.size, pictureScale);
    picture.dataset['step'] = String(index);
    interpolationRow
      .querySelectorAll('canvas')
      .forEach((canvas, at) => canvas.classList.toggle('text-chosen', at === index));
  };
  beta.addEventListener('input', showStep);

  $('text-interpolate-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void enqueue(async () => {
      const [from, to] = [fromInput.value.trim(), toInput.value.trim()];
      if (!from || !to) {
        return refuse(interpolationStatus, 'Type both captions (From and To) first.');
      }
      if (!info || !client) {
        return refuse(interpolationStatus, 'Load a text-to-image run first (pick one above or load its files).');
      }
      const count = readInteger(stepsInput, 2, 17, 'Steps');
      const seed = readInteger(seedInput, 0, 2 ** 31 - 1, 'Seed');
      if (count === undefined || seed === undefined) {
        return refuse(interpolationStatus, invalidNumber());
      }
      say(interpolationStatus, `Generating ${count} steps…`);
      try {
        const notes = await unknownWordsNote(`${from} ${to}`);
        steps = await client.api.interpolate(from, to, count, seed);
        interpolationRow.replaceChildren(
          ...steps.map((pixels, index) => {
            const canvas = pictureCanvas(pixels, info!.size, 'text-step');
            canvas.dataset['step'] = String(index);
            canvas.title = `β = ${(index / (count - 1)).toFixed(3)}`;
            canvas.addEventListener('click', () => {
              beta.value = String(index / (count - 1));
              showStep();
            });
            return canvas;
          }),
        );
        beta.step = String(1 / (count - 1));
        beta.disabled = false;
        showStep();
        say(interpolationStatus, `${count} steps from β = 0 to 1, seed ${seed}: move the slider.${notes}`);
      } catch (error) {
        fail(interpolationStatus, 'Interpolate', error);
      }
    });
  });

  void refreshRuns().catch((error: unknown) => fail(modelStatus, 'Run list', error));
  // The backend starts while a person picks a run; data-backend tells tests (and styles) it is ready.
  say(modelStatus, 'No run loaded. Starting the backend in a worker…');
  void enqueue(async () => {
    try {
      const backend = await (await worker()).start(context.backend, { ...context.wasmPaths });
      if (!info) say(modelStatus, `No run loaded. Ready on ${backend.name} (${backend.device}).`);
      root.dataset['backend'] = backend.name;
    } catch (error) {
      fail(modelStatus, 'The backend could not start', error);
    }
  });
}

function runLabel(run: RunSummary): string {
  return `${run.name} (step ${run.step}, ${run.origin})`;
}

function describeModel(info: TextToImageModelInfo): string {
  return (
    `step ${info.step}, ${info.size}×${info.size} pictures, ${info.encoderKind} text encoder ` +
    `(${info.embeddingDim}-d), noise ${info.latentDim}-d, trained on ${info.dataset}` +
    (info.ema ? ', moving-average weights' : '')
  );
}

function invalidNumber(): string {
  return 'Pictures per caption must be 1-16, steps 2-17 and the seed a whole number from 0.';
}

/** An integer field's value, or undefined when it is out of range (the field is marked). */
function readInteger(input: HTMLInputElement, min: number, max: number, name: string): number | undefined {
  const value = Number(input.value);
  const valid = input.value.trim() !== '' && Number.isInteger(value) && value >= min && value <= max;
  input.setCustomValidity(valid ? '' : `${name}: a whole number from ${min} to ${max}`);
  return valid ? value : undefined;
}

function pictureCanvas(pixels: PicturePixels, size: number, className: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = `studio-pixels ${className}`;
  drawPixels(canvas, pixels, size, 1);
  return canvas;
}

/** Draws a picture at its own size; CSS scales it up (pixelated), `scale` sets the shown size. */
function drawPixels(canvas: HTMLCanvasElement, pixels: PicturePixels, size: number, scale: number): void {
  canvas.width = size;
  canvas.height = size;
  if (scale !== 1) canvas.style.width = canvas.style.height = `${size * scale}px`;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pixels), size, size), 0, 0);
}
