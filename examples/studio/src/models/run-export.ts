import * as Comlink from 'comlink';

import type { RunExportApi } from './run-export.worker.js';
import type { RunLibrary } from './run-library.js';
import { workerFailure } from '../shell/worker-failure.js';

/** What a run exports to: the download's file name and its bytes. */
export interface RunExport {
  readonly fileName: string;
  readonly blob: Blob;
}

/**
 * A run as Node's CLI reads it: a one-file run is its checkpoint, byte for byte (`latest.gfckpt`,
 * which goes into a run folder); a run of several files (LAPGAN levels, text-to-image's checkpoint
 * and text-encoder.json, an SRResNet's model/) is a `.zip` of its folder that unzips into a folder
 * `ganforge sample --checkpoint <folder>` or `ganforge text2img --checkpoint <folder>` reads. The run
 * is read and zipped in a Web Worker.
 *
 * @throws Error when the run is no longer in the library.
 */
export async function exportRun(library: RunLibrary, id: string, name: string): Promise<RunExport> {
  const worker = new Worker(new URL('./run-export.worker.ts', import.meta.url), { type: 'module' });
  const exporter = Comlink.wrap<RunExportApi>(worker);
  try {
    const exported = await Promise.race([
      exporter.exportRun(library.databaseName, id),
      workerFailure(worker, 'The export worker'),
    ]);
    if (!exported) throw new Error(`${name} is no longer in the library (deleted in another tab?).`);
    return exported;
  } finally {
    exporter[Comlink.releaseProxy]();
    worker.terminate();
  }
}

/** Hands a blob to the browser as a download named `fileName`. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download reads the blob after the click is handled; the URL is freed well after.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
