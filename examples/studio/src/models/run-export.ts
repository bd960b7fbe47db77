import * as Comlink from 'comlink';

import type { StoredRun } from './run-library.js';
import type { RunZipApi } from './run-zip.worker.js';

/** A folder name from a run's name: letters, digits, `.`, `_` and `-` (others become `-`). */
export function runFolderName(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'run';
}

/** What a run exports to: the file name and its bytes. */
export interface RunExport {
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

/**
 * A run as Node's CLI reads it: a one-file run is its checkpoint, byte for byte (`latest.gfckpt`,
 * which goes into a run folder); a run of several files (LAPGAN levels, text-to-image's checkpoint
 * and text-encoder.json) is a `.zip` of its folder, zipped in a Web Worker, that unzips into a
 * folder `ganforge sample --checkpoint <folder>` or `ganforge text2img --checkpoint <folder>` reads.
 */
export async function exportRun(run: StoredRun): Promise<RunExport> {
  const names = Object.keys(run.files);
  if (names.length === 1) return { fileName: names[0]!, bytes: run.files[names[0]!]! };
  const folder = runFolderName(run.name);
  const worker = new Worker(new URL('./run-zip.worker.ts', import.meta.url), { type: 'module' });
  const zipper = Comlink.wrap<RunZipApi>(worker);
  try {
    return { fileName: `${folder}.zip`, bytes: await zipper.zip(folder, run.files) };
  } finally {
    zipper[Comlink.releaseProxy]();
    worker.terminate();
  }
}

/** Hands bytes to the browser as a download named `fileName`. */
export function downloadBytes(fileName: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has its own copy once it starts; the URL is freed after the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
