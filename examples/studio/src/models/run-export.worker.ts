// Exports a run off the page's thread: reading a 100 MB run back from IndexedDB (Chromium
// decompresses and deserializes it on the reading thread) and zipping it would block the page.
import * as Comlink from 'comlink';
import { zipSync } from 'fflate';

import { RunLibrary } from './run-library.js';

/** A folder name from a run's name: letters, digits, `.`, `_` and `-` (others become `-`). */
export function runFolderName(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'run';
}

const libraries = new Map<string, RunLibrary>();

const api = {
  /**
   * The run `id` of the library `databaseName` as a download: its one file as it is, else a zip of
   * `<folder>/<name>` for each file (stored uncompressed: weights do not compress). Undefined when
   * the run is gone.
   */
  async exportRun(databaseName: string, id: string): Promise<{ fileName: string; blob: Blob } | undefined> {
    let library = libraries.get(databaseName);
    if (!library) libraries.set(databaseName, (library = new RunLibrary(databaseName)));
    const run = await library.get(id);
    if (!run) return undefined;
    const names = Object.keys(run.files);
    if (names.length === 1) {
      return { fileName: names[0]!, blob: new Blob([run.files[names[0]!]! as Uint8Array<ArrayBuffer>]) };
    }
    const folder = runFolderName(run.name);
    const entries = Object.fromEntries(Object.entries(run.files).map(([name, bytes]) => [`${folder}/${name}`, bytes]));
    return { fileName: `${folder}.zip`, blob: new Blob([zipSync(entries, { level: 0 }) as Uint8Array<ArrayBuffer>]) };
  },
};

export type RunExportApi = typeof api;

Comlink.expose(api);
