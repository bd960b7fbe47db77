import type { BrowserBackendName } from '@ganforge/backend-browser';

import type { RunLibrary } from '../models/run-library.js';

/** The studio's panels, in tab order; each is also the URL hash that opens it (`#upscale`). */
export const panelNames = ['train', 'text', 'upscale', 'models'] as const;
export type PanelName = (typeof panelNames)[number];

/** What every panel receives when it is first opened. */
export interface StudioContext {
  /** tfjs-backend-wasm's `.wasm` file URLs, for `useBackend({ wasmPaths })` in a worker. */
  readonly wasmPaths: Readonly<Record<string, string>>;
  /** The backend the page's `?backend=` asks for (tests force `wasm`); undefined: the fastest available. */
  readonly backend: BrowserBackendName | undefined;
  /** Runs kept in IndexedDB: trained here or imported from `.gfckpt` files. */
  readonly library: RunLibrary;
  /** Shows a failure in the page; returns the text shown. */
  showError(where: string, error: unknown): string;
  /** Switches to another panel (e.g. from the model library to the panel that uses a run). */
  openPanel(name: PanelName, options?: { readonly runId?: string }): void;
}

/** A panel module's entry: fills `root` with the panel and wires it up. */
export type MountPanel = (root: HTMLElement, context: StudioContext) => void | Promise<void>;
