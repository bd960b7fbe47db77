import * as Comlink from 'comlink';

import type { RunCheckApi } from './run-check.worker.js';
import { RunImportError } from './run-import-error.js';
import type { RunLibrary, RunSummary } from './run-library.js';

/** Options of {@link importRunFiles} and {@link importRunFromUrl}. */
export interface ImportRunOptions {
  /** Stops the import (the worker checking the files ends); nothing is stored. */
  readonly signal?: AbortSignal;
  /** Hears which file is being checked, for a status line. */
  readonly onProgress?: (progress: { readonly done: number; readonly total: number; readonly file: string }) => void;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The import was cancelled.', 'AbortError');
}

/**
 * Checks the files of one `ganforge train` run and stores it in `library` (origin `imported`).
 * `files` may be a run folder's files (from `<input webkitdirectory>`: their `webkitRelativePath`
 * names the folder, and files that are not a run's, like samples and run.json, are skipped), loose
 * files (`latest.gfckpt`, `level-<k>.gfckpt`, `text-encoder.json`) or a `.zip` of a run folder.
 * Everything runs in a Web Worker: each checkpoint is decoded (checksum, header schema, limits), a
 * `text-encoder.json` is built once to check it, the family comes from `metadata.run`, and the run
 * is stored from there (IndexedDB's copy of a big file would block the page); `library` hears of it
 * (its `onChange` listeners run) through the library's broadcast channel.
 *
 * @returns the stored run's summary (name, family, step: the sum over LAPGAN levels).
 * @throws RunImportError naming the file, what was expected and what was received (a PNG renamed
 *   .gfckpt, a truncated or damaged checkpoint, text2img without text-encoder.json, files of two
 *   runs, an unknown family); nothing is stored then. An AbortError when `options.signal` aborts.
 * @example
 * ```ts
 * const run = await importRunFiles([...input.files!], context.library);
 * context.openPanel('text', { runId: run.id });
 * ```
 */
export async function importRunFiles(
  files: readonly File[],
  library: RunLibrary,
  options: ImportRunOptions = {},
): Promise<RunSummary> {
  return importRunEntries(
    files.map((file) => ({ file, path: file.webkitRelativePath || file.name })),
    library,
    options,
  );
}

/** A file with its path, `folder/latest.gfckpt` for a file of a dropped or picked folder. */
export interface RunFileEntry {
  readonly file: Blob;
  readonly path: string;
}

/**
 * {@link importRunFiles} for files whose folder is known another way than `webkitRelativePath`
 * (a folder dropped on the page: its entries carry the path).
 */
export async function importRunEntries(
  entries: readonly RunFileEntry[],
  library: RunLibrary,
  options: ImportRunOptions = {},
): Promise<RunSummary> {
  const { signal, onProgress } = options;
  if (entries.length === 0) {
    throw new RunImportError('RUN_INCOMPLETE', 'the selection', "expected a run's files, received no files.");
  }
  signal?.throwIfAborted();
  const checker = fileChecker();
  const aborted = new Promise<never>((_, reject) => {
    signal?.addEventListener(
      'abort',
      () => {
        // Stops the check at once: the next import starts a fresh worker.
        stopFileChecker(checker);
        reject(abortError(signal));
      },
      { once: true },
    );
    checker.failed.catch(reject);
  });
  aborted.catch(() => undefined);
  const result = await Promise.race([
    checker.api.importRun(
      entries.map(({ file, path }) => ({ path, blob: file, inFolder: path.includes('/') })),
      library.databaseName,
      Comlink.proxy((done: number, total: number, file: string) => onProgress?.({ done, total, file })),
    ),
    aborted,
  ]);
  if ('refused' in result) {
    const { code, file, message } = result.refused;
    const named = file || entries.map((entry) => entry.path).join(', ');
    throw new RunImportError(code, named, message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message);
  }
  return result.stored;
}

interface FileChecker {
  readonly worker: Worker;
  readonly api: Comlink.Remote<RunCheckApi>;
  /** Rejects when the worker's script fails to load or it crashes. */
  readonly failed: Promise<never>;
}

let sharedChecker: FileChecker | undefined;

/** The worker that checks files, started on first use and kept (its module graph loads once). */
function fileChecker(): FileChecker {
  if (sharedChecker) return sharedChecker;
  const worker = new Worker(new URL('./run-check.worker.ts', import.meta.url), { type: 'module' });
  const checker: FileChecker = {
    worker,
    api: Comlink.wrap<RunCheckApi>(worker),
    failed: new Promise<never>((_, reject) =>
      worker.addEventListener('error', (event) => {
        event.preventDefault(); // reported by the import's rejection, not again as the page's uncaught error
        stopFileChecker(checker);
        reject(new Error(`The file checker stopped: ${event.message || 'its script did not load'}.`));
      }),
    ),
  };
  checker.failed.catch(() => undefined);
  sharedChecker = checker;
  return checker;
}

function stopFileChecker(checker: FileChecker): void {
  if (sharedChecker === checker) sharedChecker = undefined;
  checker.api[Comlink.releaseProxy]();
  checker.worker.terminate();
}

/** The file name a URL's path ends with (`https://host/runs/mnist/latest.gfckpt` -> `latest.gfckpt`). */
function fileNameOf(url: URL): string {
  const last = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
  return last || 'latest.gfckpt';
}

/**
 * Downloads a `.gfckpt` (or a `.zip` of a run folder) and imports it as {@link importRunFiles} does.
 * The server must allow cross-origin requests (CORS) when it is another site, and the studio's
 * cross-origin isolation asks for nothing more of a plain `fetch`.
 *
 * @throws RunImportError `URL_INVALID` (not an http(s) URL), `URL_UNREACHABLE` (network down, no
 *   such host, or CORS refused: the browser does not say which), `URL_HTTP` (a 404 or another
 *   status), then the errors of {@link importRunFiles}.
 */
export async function importRunFromUrl(
  url: string,
  library: RunLibrary,
  options: ImportRunOptions = {},
): Promise<RunSummary> {
  // An empty field would resolve to the page's own address and fetch the studio itself.
  if (url.trim() === '') {
    throw new RunImportError(
      'URL_INVALID',
      'the URL',
      'expected the URL of a .gfckpt file or a run .zip, received nothing.',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url, location.href);
  } catch {
    throw new RunImportError(
      'URL_INVALID',
      url || 'the URL',
      'expected a URL like https://example.com/runs/mnist/latest.gfckpt, received text that is not one.',
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RunImportError(
      'URL_INVALID',
      url,
      `expected an http:// or https:// URL, received a ${parsed.protocol} URL.`,
    );
  }
  let response: Response;
  try {
    response = await fetch(parsed, { signal: options.signal, mode: 'cors' });
  } catch (cause) {
    if (options.signal?.aborted) throw abortError(options.signal);
    throw new RunImportError(
      'URL_UNREACHABLE',
      parsed.href,
      `expected a .gfckpt file, received no response (${(cause as Error).message}): the site is unreachable, or it does not allow other sites to read the file (CORS). Download the file and import it from disk instead.`,
    );
  }
  if (!response.ok) {
    throw new RunImportError(
      'URL_HTTP',
      parsed.href,
      `expected a .gfckpt file, received HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${response.status === 404 ? ' (no file at this address)' : ''}.`,
    );
  }
  // A server that answers every path with its site (a single-page app, a repository's file page).
  if (response.headers.get('content-type')?.includes('text/html')) {
    throw new RunImportError(
      'URL_HTTP',
      parsed.href,
      'expected a .gfckpt file, received a web page (HTML): link to the file itself (a "raw" or download link).',
    );
  }
  const blob = await response.blob();
  const file = new File([blob], fileNameOf(parsed));
  return importRunFiles([file], library, options);
}
