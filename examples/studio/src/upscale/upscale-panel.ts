import 'img-comparison-slider';
import './upscale-panel.css';

import { importRunFiles, importRunFromUrl } from '../models/import-run.js';
import type { RunSummary } from '../models/run-library.js';
import { describeError } from '../shell/page-errors.js';
import type { StudioContext } from '../shell/studio-context.js';
import { layersSourceFromFiles, modelSourceFromRun } from './model-source-from-files.js';
import { UpscaleClient } from './upscale-client.js';
import type { LoadedModel, ModelSource, UpscaleResult } from './upscale-worker-api.js';

const srFamilies: ReadonlySet<RunSummary['family']> = new Set(['srresnet', 'srgan']);
const photoTypes = ['image/png', 'image/jpeg', 'image/webp'];

const template = `
  <div class="studio-row">
    <div class="studio-card upscale-card">
      <h2>Model</h2>
      <div class="studio-controls">
        <label>From the library <select id="upscale-run"><option value="">(no SRResNet / SRGAN run yet)</option></select></label>
        <button id="upscale-use-run" type="button">Use</button>
      </div>
      <div class="studio-controls">
        <label>Load a run <input id="upscale-model-files" type="file" multiple accept=".gfckpt,.zip,.json,.bin" /></label>
        <label>or its folder <input id="upscale-model-folder" type="file" webkitdirectory /></label>
      </div>
      <p class="studio-muted upscale-hint">The <code>latest.gfckpt</code> of <code>ganforge train srgan</code>, or the
        <code>model.json</code> and <code>weights.bin</code> in the <code>model/</code> folder of
        <code>ganforge train srresnet</code> (pick both).</p>
      <div class="studio-controls">
        <label>or a URL <input id="upscale-model-url" type="url" size="40" placeholder="https://…/latest.gfckpt or …/model.json" /></label>
        <button id="upscale-load-url" type="button">Load</button>
      </div>
      <p id="upscale-model-status" class="studio-status">No model loaded.</p>
    </div>
    <div class="studio-card upscale-card" id="upscale-drop">
      <h2>Photo</h2>
      <div class="studio-controls">
        <label>Drop a photo here, or pick one <input id="upscale-photo" type="file" accept="${photoTypes.join(',')}" /></label>
      </div>
      <div class="studio-controls">
        <label title="The photo is a high-resolution original: it is shrunk by the model's scale with bicubic, upscaled again, and both results are measured against it.">
          <input id="upscale-original-mode" type="checkbox" /> I have the original (measure PSNR / SSIM)</label>
        <label>Tile <input id="upscale-tile" type="number" min="8" max="256" step="8" value="64" /> px</label>
      </div>
      <div class="studio-controls">
        <button id="upscale-start" type="button" disabled>Upscale</button>
        <button id="upscale-cancel" type="button" disabled>Cancel</button>
        <progress id="upscale-progress" max="1" value="0"></progress>
        <span id="upscale-percent" class="studio-status">0 %</span>
      </div>
      <p id="upscale-status" class="studio-status">Pick a model and a photo.</p>
      <p id="upscale-memory" class="studio-muted" title="tfjs tensors held by the super-resolution worker"></p>
    </div>
  </div>
  <div class="studio-card upscale-result" id="upscale-result" hidden>
    <div class="upscale-labels"><span>Bicubic (MATLAB-style)</span><span id="upscale-size" class="studio-muted"></span><span>Model</span></div>
    <img-comparison-slider id="upscale-compare" class="upscale-compare">
      <img slot="first" id="upscale-before" alt="bicubic enlargement" />
      <img slot="second" id="upscale-after" alt="the model's enlargement" />
    </img-comparison-slider>
    <table id="upscale-quality" class="upscale-quality" hidden>
      <caption id="upscale-quality-caption"></caption>
      <thead><tr><th></th><th>PSNR (dB)</th><th>SSIM</th></tr></thead>
      <tbody>
        <tr><th>Bicubic</th><td id="upscale-bicubic-psnr"></td><td id="upscale-bicubic-ssim"></td></tr>
        <tr><th>Model</th><td id="upscale-model-psnr"></td><td id="upscale-model-ssim"></td></tr>
      </tbody>
    </table>
    <div class="studio-controls">
      <a id="upscale-download" class="upscale-download">Download result (PNG)</a>
      <a id="upscale-download-bicubic">Download bicubic (PNG)</a>
    </div>
  </div>`;

/**
 * The Super-resolution panel: an SRResNet / SRGAN run (from the library, files or a URL) enlarges a
 * photo tile by tile in a Web Worker, shown against bicubic in a before/after slider; with the
 * original, PSNR and SSIM of both. Every tensor stays in the worker.
 */
export function mountUpscalePanel(root: HTMLElement, context: StudioContext): void {
  root.innerHTML = template;
  const element = <T extends HTMLElement>(id: string) => root.querySelector<T>(`#${id}`)!;
  const runSelect = element<HTMLSelectElement>('upscale-run');
  const modelStatus = element('upscale-model-status');
  const status = element('upscale-status');
  const startButton = element<HTMLButtonElement>('upscale-start');
  const cancelButton = element<HTMLButtonElement>('upscale-cancel');
  const progress = element<HTMLProgressElement>('upscale-progress');
  const percent = element('upscale-percent');
  const photoInput = element<HTMLInputElement>('upscale-photo');
  const client = new UpscaleClient({ backend: context.backend, wasmPaths: context.wasmPaths });
  let model: LoadedModel | undefined;
  let photo: File | undefined;
  let busy = false;
  const objectUrls: string[] = [];

  // After a model load and after every upscale (finished, failed or cancelled): it should come back to the same figure.
  const showMemory = async () => {
    const { numTensors, numBytes } = await client.memory();
    const line = element('upscale-memory');
    line.textContent = `Worker memory: ${numTensors} tensors, ${(numBytes / 2 ** 20).toFixed(2)} MiB.`;
    line.dataset['tensors'] = String(numTensors);
    line.dataset['bytes'] = String(numBytes);
  };
  const refreshButtons = () => {
    startButton.disabled = busy || !model || !photo;
    cancelButton.disabled = !busy;
  };
  const fail = (where: string, error: unknown, line: HTMLElement) => {
    line.textContent = `${where}: ${describeError(error)}`;
    line.classList.add('upscale-failed');
    context.showError(where, error);
  };

  const refreshRuns = async (select?: string) => {
    const runs = (await context.library.list()).filter((run) => srFamilies.has(run.family));
    const chosen = select ?? runSelect.value;
    runSelect.replaceChildren(
      ...(runs.length === 0 ? [new Option('(no SRResNet / SRGAN run yet)', '')] : []),
      ...runs.map((run) => new Option(`${run.name} · ${run.family} · step ${run.step}`, run.id)),
    );
    if (runs.some((run) => run.id === chosen)) runSelect.value = chosen;
  };

  const load = async (
    what: string,
    getSource: () => Promise<{ source: ModelSource; step?: number; store?: () => Promise<void> }>,
  ) => {
    modelStatus.classList.remove('upscale-failed');
    modelStatus.textContent = `Loading ${what}…`;
    try {
      const { source, store, step: sourceStep } = await getSource();
      const backend = await client.start();
      model = await client.loadModel(source);
      await store?.();
      // A checkpoint knows its step; a model.json does not, its run.json (or the library) does.
      const step = model.step ?? sourceStep;
      modelStatus.textContent =
        `${what}: ${model.family === 'srgan' ? 'SRGAN' : 'SRResNet'} x${model.scale}` +
        `${step === undefined ? '' : `, step ${step}`}, ${model.parameters.toLocaleString('en')} parameters` +
        ` · backend ${backend}`;
      modelStatus.dataset['scale'] = String(model.scale);
      await showMemory();
    } catch (error) {
      model = undefined;
      fail('Could not load the model', error, modelStatus);
    }
    refreshButtons();
  };

  /** A run the Models panel's import stored: refused here unless it is a super-resolution run. */
  const sourceOfImported = async (summary: RunSummary) => {
    await refreshRuns(summary.id);
    if (!srFamilies.has(summary.family)) {
      throw new Error(
        `${summary.name} is a ${summary.family} run (now in the library, see Models): expected an SRGAN run's ` +
          'latest.gfckpt or the model/ folder of an SRResNet run.',
      );
    }
    const run = await context.library.get(summary.id);
    if (!run) throw new Error(`${summary.name} is no longer in the library.`);
    return { source: modelSourceFromRun(run) };
  };

  const loadFiles = (files: readonly File[]) => {
    const what = files[0]?.webkitRelativePath.split('/')[0] || files.map((file) => file.name).join(', ');
    const layers =
      files.some((file) => file.name.endsWith('.json')) && !files.some((file) => /\.(gfckpt|zip)$/.test(file.name));
    if (!layers) {
      // Checkpoints (and zipped run folders) are checked and stored by the Models panel's import.
      return load(what, async () => sourceOfImported(await importRunFiles(files, context.library)));
    }
    return load(what, async () => {
      const { source, runFiles, name, step } = await layersSourceFromFiles(files);
      return {
        source,
        step,
        // Kept in the library once the worker accepted it, so the next visit can pick it from the list.
        store: async () => {
          const run = await context.library.put({
            name,
            family: model!.family,
            step: step ?? model!.step ?? 0,
            origin: 'imported',
            files: runFiles,
          });
          await refreshRuns(run.id);
        },
      };
    });
  };

  const loadRun = (id: string) =>
    load('the library run', async () => {
      const run = await context.library.get(id);
      if (!run) throw new Error('This run is no longer in the library.');
      return { source: modelSourceFromRun(run), step: run.step };
    });

  for (const id of ['upscale-model-files', 'upscale-model-folder']) {
    element<HTMLInputElement>(id).addEventListener('change', (event) => {
      const input = event.currentTarget as HTMLInputElement;
      const files = [...(input.files ?? [])];
      input.value = '';
      if (files.length > 0) void loadFiles(files);
    });
  }
  element('upscale-use-run').addEventListener('click', () => {
    if (runSelect.value) void loadRun(runSelect.value);
  });
  element('upscale-load-url').addEventListener('click', () => {
    const url = element<HTMLInputElement>('upscale-model-url').value.trim();
    void load(url || 'the URL', async () => {
      const parsed = new URL(url, location.href);
      // A model.json is read by tfjs with its weight files next to it; a .gfckpt goes through the import.
      if (parsed.pathname.endsWith('.json')) return { source: { kind: 'layers-url', url: parsed.href } };
      return sourceOfImported(await importRunFromUrl(parsed.href, context.library));
    });
  });
  root.addEventListener('studio:open-run', (event) => {
    const id = (event as CustomEvent<string>).detail;
    void refreshRuns(id).then(() => loadRun(id));
  });
  context.library.onChange(() => void refreshRuns());
  void refreshRuns().catch((error: unknown) => fail('Could not read the run library', error, modelStatus));

  const choosePhoto = (file: File | undefined) => {
    if (!file) return;
    if (!photoTypes.includes(file.type)) {
      fail(
        'Not a photo',
        new Error(
          `${file.name}: expected a PNG, JPEG or WebP image, received ${file.type || 'a file of unknown type'}.`,
        ),
        status,
      );
      return;
    }
    photo = file;
    status.classList.remove('upscale-failed');
    status.textContent = `Photo: ${file.name} (${Math.round(file.size / 1024)} kB).`;
    refreshButtons();
  };
  photoInput.addEventListener('change', () => choosePhoto(photoInput.files?.[0]));
  const dropZone = element('upscale-drop');
  dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    dropZone.classList.add('upscale-dragging');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('upscale-dragging'));
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('upscale-dragging');
    choosePhoto(event.dataTransfer?.files[0]);
  });

  const showResult = async (result: UpscaleResult, fileName: string) => {
    for (const url of objectUrls.splice(0)) URL.revokeObjectURL(url);
    const urlOf = (blob: Blob) => {
      const url = URL.createObjectURL(blob);
      objectUrls.push(url);
      return url;
    };
    const before = element<HTMLImageElement>('upscale-before');
    const after = element<HTMLImageElement>('upscale-after');
    before.src = urlOf(result.bicubic.png);
    after.src = urlOf(result.model.png);
    // Decoded off the page's thread; 'Done' is said once both can be shown.
    await Promise.all([before.decode(), after.decode()]);
    element('upscale-compare').style.aspectRatio = `${result.model.width} / ${result.model.height}`;
    element('upscale-size').textContent =
      `${result.input.width}x${result.input.height} -> ${result.model.width}x${result.model.height}`;
    const stem = fileName.replace(/\.[^.]+$/, '');
    const download = element<HTMLAnchorElement>('upscale-download');
    download.href = urlOf(result.model.png);
    download.download = `${stem}-x${model!.scale}.png`;
    const bicubic = element<HTMLAnchorElement>('upscale-download-bicubic');
    bicubic.href = urlOf(result.bicubic.png);
    bicubic.download = `${stem}-x${model!.scale}-bicubic.png`;
    const table = element<HTMLTableElement>('upscale-quality');
    table.hidden = !result.quality;
    if (result.quality) {
      const { cropBorder, bicubic: before, model: after } = result.quality;
      element('upscale-quality-caption').textContent =
        `Against the original (${result.original!.width}x${result.original!.height}), on Y (BT.601), ${cropBorder} px border removed`;
      const cells = [
        ['bicubic-psnr', before.psnr, 3],
        ['bicubic-ssim', before.ssim, 4],
        ['model-psnr', after.psnr, 3],
        ['model-ssim', after.ssim, 4],
      ] as const;
      for (const [id, value, digits] of cells) {
        const cell = element(`upscale-${id}`);
        cell.textContent = value.toFixed(digits);
        cell.dataset['value'] = String(value); // full precision, for the title and the tests
        cell.title = String(value);
      }
    }
    element('upscale-result').hidden = false;
  };

  startButton.addEventListener('click', async () => {
    if (!model || !photo || busy) return;
    const tile = Number(element<HTMLInputElement>('upscale-tile').value);
    const mode = element<HTMLInputElement>('upscale-original-mode').checked ? 'original' : 'upscale';
    busy = true;
    refreshButtons();
    progress.value = 0;
    percent.textContent = '0 %';
    status.classList.remove('upscale-failed');
    status.textContent = mode === 'original' ? 'Shrinking the original, then upscaling…' : 'Upscaling…';
    const file = photo;
    element('upscale-result').hidden = true;
    try {
      const result = await client.upscale(
        { photo: file, mode, tileSize: Number.isInteger(tile) && tile >= 8 && tile <= 256 ? tile : 64 },
        ({ completed, total, fraction }) => {
          progress.value = fraction;
          percent.textContent = `${Math.round(fraction * 100)} %`;
          status.textContent = `Upscaling: tile ${completed} of ${total}…`;
        },
      );
      await showResult(result, file.name);
      status.textContent = `Done: ${result.model.width}x${result.model.height}.`;
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') {
        status.textContent = 'Cancelled: no output.';
      } else {
        fail('The upscale failed', error, status);
      }
    } finally {
      busy = false;
      refreshButtons();
      await showMemory().catch(() => undefined);
    }
  });
  cancelButton.addEventListener('click', () => {
    status.textContent = 'Cancelling…';
    client.cancel();
  });
}
