import * as Comlink from 'comlink';

import type { TextToImageWorkerApi } from './text-to-image.worker.js';

/** The page's handle on the text-to-image worker. */
export interface TextToImageClient {
  readonly api: Comlink.Remote<TextToImageWorkerApi>;
  terminate(): void;
}

/**
 * Starts the worker that holds the model. `onFailure` hears what would otherwise only reach the
 * console: the worker's script failing to load or an error nobody awaited inside it.
 */
export function startTextToImageWorker(onFailure: (message: string) => void): TextToImageClient {
  const worker = new Worker(new URL('./text-to-image.worker.ts', import.meta.url), {
    type: 'module',
    name: 'text-to-image',
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault(); // reported by onFailure, not again as the page's uncaught error
    onFailure(event.message || 'its script could not be loaded');
  });
  worker.addEventListener('messageerror', () => onFailure('a message could not be read'));
  return { api: Comlink.wrap<TextToImageWorkerApi>(worker), terminate: () => worker.terminate() };
}
