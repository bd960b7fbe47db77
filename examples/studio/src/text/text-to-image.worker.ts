import { type BrowserBackendName, useBackend } from '@ganforge/backend-browser';
import * as Comlink from 'comlink';

import { type PicturePixels, type TextToImageModelInfo, TextToImageSampler } from './text-to-image-sampler.js';

// The text-to-image model lives here, off the page's thread: loading, encoding captions and the
// generator's forward passes never block the page.
let backendStarted: Promise<{ name: string; device: string }> | undefined;
let sampler: TextToImageSampler | undefined;

function loaded(): TextToImageSampler {
  if (!sampler) throw new Error('No text-to-image run is loaded: pick one from the library or load its two files.');
  return sampler;
}

/** Pictures go back as transferred buffers (no copy). */
function transferred(pictures: PicturePixels[]): PicturePixels[] {
  return Comlink.transfer(
    pictures,
    pictures.map((picture) => picture.buffer as ArrayBuffer),
  );
}

const api = {
  /** Starts the backend once (tests force `wasm` through the page's `?backend=`). */
  async start(backend: BrowserBackendName | undefined, wasmPaths: Record<string, string>) {
    backendStarted ??= useBackend({ backend, wasmPaths, log: false }).then(({ name, device }) => ({ name, device }));
    return backendStarted;
  },
  /** Replaces the loaded run with this one (checked first: on a failure the previous run stays). */
  async load(files: Record<string, Uint8Array>): Promise<TextToImageModelInfo> {
    const next = await TextToImageSampler.fromRunFiles(files);
    sampler?.dispose();
    sampler = next;
    return next.info;
  },
  unknownWords(caption: string) {
    return loaded().unknownWords(caption);
  },
  async generate(captions: string[], count: number, seed: number) {
    return transferred(await loaded().generate(captions, count, seed));
  },
  async interpolate(first: string, second: string, steps: number, seed: number) {
    return transferred(await loaded().interpolate(first, second, steps, seed));
  },
};

export type TextToImageWorkerApi = typeof api;

Comlink.expose(api);
