// Checks and stores imported run files off the page's thread: reading, unzipping, the SHA-256 of a
// 100 MB checkpoint, building a text encoder and IndexedDB's copy of the bytes (Chromium serializes
// and compresses a value on the thread that puts it) would freeze the page for seconds.
import { GanForgeError } from '@ganforge/core';
import * as Comlink from 'comlink';

import { assembleRun } from './run-assembly.js';
import { checkRunFiles } from './run-file-check.js';
import { RunLibrary, type RunSummary } from './run-library.js';

/** A refusal as plain data: errors lose their class on the way through postMessage. */
export interface RunCheckRefusal {
  readonly code: string;
  readonly file: string;
  readonly message: string;
}

const libraries = new Map<string, RunLibrary>();

const api = {
  /** Checks the files, puts them together into one run and stores it in the library `databaseName`. */
  async importRun(
    files: readonly { readonly path: string; readonly blob: Blob; readonly inFolder: boolean }[],
    databaseName: string,
    onProgress: (done: number, total: number, path: string) => void,
  ): Promise<{ readonly stored: RunSummary } | { readonly refused: RunCheckRefusal }> {
    try {
      const inputs = await Promise.all(
        files.map(async ({ path, blob, inFolder }) => ({
          path,
          inFolder,
          bytes: new Uint8Array(await blob.arrayBuffer()),
        })),
      );
      const run = assembleRun(await checkRunFiles(inputs, onProgress));
      let library = libraries.get(databaseName);
      if (!library) libraries.set(databaseName, (library = new RunLibrary(databaseName)));
      return { stored: await library.put({ ...run, origin: 'imported' }) };
    } catch (error) {
      if (error instanceof GanForgeError) {
        return { refused: { code: error.code, file: (error as { file?: string }).file ?? '', message: error.message } };
      }
      throw error;
    }
  },
};

export type RunCheckApi = typeof api;

Comlink.expose(api);
