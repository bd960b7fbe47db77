// Checks imported run files off the page's thread: reading, unzipping, the SHA-256 of a 100 MB
// checkpoint and building a text encoder would freeze the page for seconds.
import { GanForgeError } from '@ganforge/core';
import * as Comlink from 'comlink';

import { checkRunFiles } from './run-file-check.js';
import type { CheckedRunFile } from './run-file-check.js';

/** A refusal as plain data: errors lose their class on the way through postMessage. */
export interface RunCheckRefusal {
  readonly code: string;
  readonly file: string;
  readonly message: string;
}

const api = {
  async check(
    files: readonly { readonly path: string; readonly blob: Blob; readonly inFolder: boolean }[],
    onProgress: (done: number, total: number, path: string) => void,
  ): Promise<{ readonly checked: CheckedRunFile[] } | { readonly refused: RunCheckRefusal }> {
    try {
      const inputs = await Promise.all(
        files.map(async ({ path, blob, inFolder }) => ({
          path,
          inFolder,
          bytes: new Uint8Array(await blob.arrayBuffer()),
        })),
      );
      const checked = await checkRunFiles(inputs, onProgress);
      // The bytes move back to the page without a copy.
      return Comlink.transfer({ checked }, [...new Set(checked.map((file) => file.bytes.buffer as ArrayBuffer))]);
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
