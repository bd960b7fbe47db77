/** The Models panel's elements, built once (the list's rows are drawn by the panel). */
export interface ModelsPanelElements {
  readonly dropZone: HTMLElement;
  readonly filesInput: HTMLInputElement;
  readonly folderInput: HTMLInputElement;
  readonly urlForm: HTMLFormElement;
  readonly urlInput: HTMLInputElement;
  readonly cancel: HTMLButtonElement;
  readonly status: HTMLElement;
  readonly error: HTMLElement;
  readonly list: HTMLTableSectionElement;
  readonly empty: HTMLElement;
}

const template = `
<div class="studio-card models-import">
  <h2>Load a run</h2>
  <p class="studio-muted">
    Bring a model trained with the GANForge CLI: the files of a <code>ganforge train &lt;model&gt;</code> run folder
    (<code>latest.gfckpt</code>; LAPGAN: <code>level-0.gfckpt</code>, <code>level-1.gfckpt</code>, ...; text to image:
    <code>latest.gfckpt</code> and <code>text-encoder.json</code>), the folder itself or a <code>.zip</code> of it.
    Every file is checked (checksum, format, model) before it is kept in this browser.
  </p>
  <div class="models-drop" data-testid="models-drop" tabindex="0">Drop a run folder, its files or a .zip here</div>
  <div class="studio-controls">
    <label>Files <input type="file" multiple accept=".gfckpt,.json,.zip" data-testid="models-files" /></label>
    <label>Run folder <input type="file" webkitdirectory data-testid="models-folder" /></label>
    <form class="models-url">
      <label>URL <input type="url" placeholder="https://example.com/runs/mnist/latest.gfckpt" data-testid="models-url" /></label>
      <button type="submit">Import</button>
    </form>
    <button type="button" class="models-cancel" hidden>Cancel</button>
  </div>
  <p class="studio-status" role="status" data-testid="models-status"></p>
  <p class="models-error" role="alert" data-testid="models-error" hidden></p>
</div>
<div class="studio-card models-library">
  <h2>Your runs</h2>
  <p class="studio-muted">
    Kept in this browser (IndexedDB) across reloads. Export gives a run back to the CLI: one checkpoint as it is,
    or a .zip of the run folder to unzip.
  </p>
  <table class="models-table">
    <thead><tr><th>Name</th><th>Family</th><th>Step</th><th>Size</th><th>Saved</th><th>Origin</th><th></th></tr></thead>
    <tbody data-testid="models-list"></tbody>
  </table>
  <p class="studio-muted models-empty">No runs yet: train one in the Train panel or load one above.</p>
</div>`;

export function createModelsPanel(root: HTMLElement): ModelsPanelElements {
  root.innerHTML = template;
  const find = <T extends Element>(selector: string) => root.querySelector<T & Element>(selector)!;
  return {
    dropZone: find<HTMLElement>('.models-drop'),
    filesInput: find<HTMLInputElement>('[data-testid="models-files"]'),
    folderInput: find<HTMLInputElement>('[data-testid="models-folder"]'),
    urlForm: find<HTMLFormElement>('.models-url'),
    urlInput: find<HTMLInputElement>('[data-testid="models-url"]'),
    cancel: find<HTMLButtonElement>('.models-cancel'),
    status: find<HTMLElement>('[data-testid="models-status"]'),
    error: find<HTMLElement>('[data-testid="models-error"]'),
    list: find<HTMLTableSectionElement>('[data-testid="models-list"]'),
    empty: find<HTMLElement>('.models-empty'),
  };
}
