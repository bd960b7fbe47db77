import type { BrowserBackendName } from '@ganforge/backend-browser';

import { RunLibrary } from './models/run-library.js';
import { showError, showUncaughtErrors } from './shell/page-errors.js';
import { type MountPanel, type PanelName, panelNames, type StudioContext } from './shell/studio-context.js';
import { wasmPaths } from './shell/wasm-paths.js';

showUncaughtErrors();

// Each panel's code loads when its tab is first opened, so the first page load stays small.
const panels: Record<PanelName, () => Promise<MountPanel>> = {
  train: async () => (await import('./train/train-panel.js')).mountTrainPanel,
  text: async () => (await import('./text/text-panel.js')).mountTextPanel,
  upscale: async () => (await import('./upscale/upscale-panel.js')).mountUpscalePanel,
  models: async () => (await import('./models/models-panel.js')).mountModelsPanel,
};
const mounted = new Map<PanelName, Promise<void>>();
/** Run ids handed to a panel by `openPanel(name, { runId })`, read by the panel through `location.hash`'s listener. */
const requestedRuns = new Map<PanelName, string>();

const context: StudioContext = {
  wasmPaths: wasmPaths(),
  backend: (new URLSearchParams(location.search).get('backend') || undefined) as BrowserBackendName | undefined,
  library: new RunLibrary(),
  showError,
  openPanel: (name, options) => {
    if (options?.runId) requestedRuns.set(name, options.runId);
    location.hash = name;
  },
};

function open(name: PanelName): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('.studio-tabs button')) {
    tab.setAttribute('aria-selected', String(tab.dataset['panel'] === name));
  }
  for (const panel of panelNames) document.getElementById(`panel-${panel}`)!.hidden = panel !== name;
  const root = document.getElementById(`panel-${name}`)!;
  if (!mounted.has(name)) {
    mounted.set(
      name,
      panels[name]()
        .then((mount) => mount(root, context))
        .catch((error: unknown) => void showError(`The ${name} panel could not start`, error)),
    );
  }
  const runId = requestedRuns.get(name);
  if (runId) {
    requestedRuns.delete(name);
    void mounted.get(name)!.then(() => root.dispatchEvent(new CustomEvent('studio:open-run', { detail: runId })));
  }
}

const fromHash = () => {
  const name = location.hash.slice(1);
  return (panelNames as readonly string[]).includes(name) ? (name as PanelName) : 'train';
};
for (const tab of document.querySelectorAll<HTMLButtonElement>('.studio-tabs button')) {
  tab.addEventListener('click', () => (location.hash = tab.dataset['panel']!));
}
window.addEventListener('hashchange', () => open(fromHash()));
open(fromHash());

// Turns every 100 ms while the UI thread is free; the browser tests also measure frame gaps directly.
const indicator = document.getElementById('frame-indicator')!;
let frame = 0;
setInterval(() => (indicator.textContent = '|/-\\'[frame++ % 4]!), 100);
