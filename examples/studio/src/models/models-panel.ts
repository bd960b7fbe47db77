import './models-panel.css';

import { describeError } from '../shell/page-errors.js';
import type { PanelName, StudioContext } from '../shell/studio-context.js';
import { droppedFiles } from './dropped-files.js';
import { type ImportRunOptions, importRunEntries, importRunFromUrl, type RunFileEntry } from './import-run.js';
import { createModelsPanel } from './models-panel-markup.js';
import { downloadBlob, exportRun } from './run-export.js';
import type { RunFamily, RunSummary } from './run-library.js';

/** The panel that uses each family's runs: the Train panel continues and samples the image GANs. */
const panelOf: Record<RunFamily, PanelName> = {
  dcgan: 'train',
  lapgan: 'train',
  text2img: 'text',
  srresnet: 'upscale',
  srgan: 'upscale',
};
const panelLabel: Record<PanelName, string> = {
  train: 'Train',
  text: 'Text to image',
  upscale: 'Super-resolution',
  models: 'Models',
};

/** 1.2 MB, 340 kB, 512 B. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

/**
 * The Models panel ("bring your own model"): loads a `ganforge train` run (files, a folder, a drop,
 * a URL), checks it in a Web Worker and keeps it in the run library; lists the library's runs with
 * Open (the panel that uses the family), Export (back to the CLI) and Delete.
 */
export function mountModelsPanel(root: HTMLElement, context: StudioContext): void {
  const ui = createModelsPanel(root);
  let importing: AbortController | undefined;
  let highlighted: string | undefined;

  const status = (text: string) => (ui.status.textContent = text);
  const showFailure = (text: string) => {
    ui.error.textContent = text;
    ui.error.hidden = false;
  };
  const clearFailure = () => {
    ui.error.textContent = '';
    ui.error.hidden = true;
  };

  async function runImport(describe: string, start: (options: ImportRunOptions) => Promise<RunSummary>) {
    if (importing) return;
    const controller = new AbortController();
    importing = controller;
    clearFailure();
    root.dataset['importing'] = 'true';
    ui.cancel.hidden = false;
    status(`Loading ${describe}...`);
    try {
      const run = await start({
        signal: controller.signal,
        // Progress comes on its own channel and may arrive after the end: only this import's, while it runs.
        onProgress: ({ done, total, file }) => {
          if (importing === controller) {
            status(done < total ? `Checking ${file} (${done + 1} of ${total})...` : 'Storing the run...');
          }
        },
      });
      highlighted = run.id;
      status(`Imported ${run.name}: ${run.family}, step ${run.step}, ${formatBytes(run.bytes)}.`);
    } catch (error) {
      if (controller.signal.aborted) {
        status('Import cancelled: nothing was stored.');
      } else {
        status('Import failed: nothing was stored.');
        showFailure(`${describeError(error)}`);
        console.error(error);
      }
    } finally {
      importing = undefined;
      delete root.dataset['importing'];
      ui.cancel.hidden = true;
    }
  }

  const importEntries = (entries: RunFileEntry[]) => {
    const folders = new Set(entries.map((entry) => entry.path.split('/')[0]));
    const what = entries.length === 1 ? entries[0]!.path : `${entries.length} files`;
    void runImport(folders.size === 1 && entries[0]?.path.includes('/') ? `${[...folders][0]}/` : what, (options) =>
      importRunEntries(entries, context.library, options),
    );
  };
  const entriesOfInput = (input: HTMLInputElement): RunFileEntry[] =>
    [...(input.files ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));

  for (const input of [ui.filesInput, ui.folderInput]) {
    input.addEventListener('change', () => {
      const entries = entriesOfInput(input);
      input.value = ''; // picking the same files again fires `change` again
      if (entries.length > 0) importEntries(entries);
    });
  }
  ui.urlForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const url = ui.urlInput.value.trim();
    void runImport(url, (options) => importRunFromUrl(url, context.library, options));
  });
  ui.cancel.addEventListener('click', () => importing?.abort());

  ui.dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    ui.dropZone.classList.add('models-drop-over');
  });
  ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('models-drop-over'));
  ui.dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    ui.dropZone.classList.remove('models-drop-over');
    if (!event.dataTransfer) return;
    droppedFiles(event.dataTransfer).then(
      (entries) => (entries.length > 0 ? importEntries(entries) : showFailure('The drop held no files.')),
      (error: unknown) => showFailure(`The dropped files could not be read: ${describeError(error)}`),
    );
  });

  async function exportOne(run: RunSummary, button: HTMLButtonElement) {
    button.disabled = true;
    status(`Exporting ${run.name}...`);
    try {
      const { fileName, blob } = await exportRun(context.library, run.id, run.name);
      downloadBlob(fileName, blob);
      status(
        fileName.endsWith('.zip')
          ? `Exported ${fileName}: unzip it and pass the folder to the CLI (--checkpoint <folder>).`
          : `Exported ${fileName}: put it in a run folder for the CLI (--checkpoint <folder>).`,
      );
    } catch (error) {
      status('Export failed.');
      showFailure(context.showError(`Export of ${run.name}`, error));
    } finally {
      button.disabled = false;
    }
  }

  async function remove(run: RunSummary) {
    try {
      await context.library.remove(run.id);
      status(`Deleted ${run.name}.`);
    } catch (error) {
      showFailure(context.showError(`Delete of ${run.name}`, error));
    }
  }

  const button = (text: string, onClick: () => void, testId: string) => {
    const element = document.createElement('button');
    element.type = 'button';
    element.textContent = text;
    element.dataset['testid'] = testId;
    element.addEventListener('click', onClick);
    return element;
  };

  function row(run: RunSummary): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset['runId'] = run.id;
    tr.dataset['family'] = run.family;
    tr.dataset['step'] = String(run.step);
    tr.classList.toggle('models-highlight', run.id === highlighted);
    const cells = [
      run.name,
      run.family,
      run.step.toLocaleString('en'),
      formatBytes(run.bytes),
      new Date(run.savedAt).toLocaleString(),
      run.origin,
    ];
    const classes = ['models-name', 'models-family', 'models-number', 'models-number', '', ''];
    cells.forEach((text, index) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (classes[index]) td.className = classes[index]!;
      tr.append(td);
    });
    tr.cells[0]!.title = run.fileNames.join(', ');
    const actions = document.createElement('td');
    const box = document.createElement('div');
    box.className = 'models-actions';
    const panel = panelOf[run.family];
    const open = button('Open', () => context.openPanel(panel, { runId: run.id }), 'models-open');
    open.title = `Open in the ${panelLabel[panel]} panel`;
    const exportButton = button('Export', () => void exportOne(run, exportButton), 'models-export');
    // Delete asks once more in the row (a native confirm() would block the page's thread).
    const deleteButton = button(
      'Delete',
      () => {
        box.replaceChildren(
          Object.assign(document.createElement('span'), { textContent: `Delete ${run.name}?` }),
          button('Yes, delete', () => void remove(run), 'models-confirm-delete'),
          button('Keep', () => box.replaceChildren(open, exportButton, deleteButton), 'models-keep'),
        );
      },
      'models-delete',
    );
    box.append(open, exportButton, deleteButton);
    actions.append(box);
    tr.append(actions);
    return tr;
  }

  let drawing = Promise.resolve();
  const draw = () => {
    drawing = drawing
      .then(async () => {
        const runs = await context.library.list();
        ui.list.replaceChildren(...runs.map(row));
        ui.empty.hidden = runs.length > 0;
        root.dataset['runs'] = String(runs.length);
      })
      .catch((error: unknown) => void showFailure(context.showError('The run library could not be read', error)));
  };
  context.library.onChange(draw);
  draw();

  // Another panel may send a run here (`openPanel('models', { runId })`): it is marked in the list.
  root.addEventListener('studio:open-run', (event) => {
    highlighted = (event as CustomEvent<string>).detail;
    draw();
  });
}
