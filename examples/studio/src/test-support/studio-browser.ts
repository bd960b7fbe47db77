import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';
import { build, createServer, preview } from 'vite';

import { chromiumLaunchOptions } from '../../../../test-support/chromium-launch-options.js';

const root = new URL('../..', import.meta.url).pathname;
const listen = { host: '127.0.0.1', port: 0, strictPort: false } as const;

/** A running studio and a Chromium page on it; `close()` ends both (and removes a build). */
export interface StudioSession {
  readonly url: string;
  readonly browser: Browser;
  readonly page: Page;
  /** Rejects when the page throws an uncaught error (race it against long waits, so they fail at once). */
  readonly pageError: Promise<never>;
  close(): Promise<void>;
}

/**
 * Serves the studio the way a user would, `'dev'` (`pnpm dev`: Vite's dev server) or `'built'`
 * (`vite build` into a temporary folder, then `vite preview`), and opens it in headless Chromium at
 * `path` (e.g. `'?backend=wasm#upscale'`).
 */
export async function openStudio(
  server: 'dev' | 'built',
  path = '',
  options: { readonly viewport?: { width: number; height: number }; readonly softwareWebGl?: boolean } = {},
): Promise<StudioSession> {
  let outDir: string | undefined;
  let close: () => Promise<void>;
  let url: string;
  if (server === 'dev') {
    const dev = await createServer({ root, logLevel: 'error', server: { ...listen, hmr: false } });
    await dev.listen();
    url = dev.resolvedUrls!.local[0]!;
    close = () => dev.close();
  } else {
    outDir = mkdtempSync(join(tmpdir(), 'ganforge-studio-dist-'));
    await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
    const site = await preview({ root, logLevel: 'error', build: { outDir }, preview: listen });
    url = site.resolvedUrls!.local[0]!;
    close = () => new Promise((resolve) => site.httpServer.close(() => resolve()));
  }
  const browser = await chromium.launch(chromiumLaunchOptions({ softwareWebGl: options.softwareWebGl }));
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 860 } });
  const consoleLines: string[] = [];
  page.on('console', (message) => void consoleLines.push(`${message.type()}: ${message.text()}`));
  const pageError = new Promise<never>((_, reject) =>
    page.on('pageerror', (error) =>
      reject(new Error(`the page threw: ${error.message}; console: ${consoleLines.slice(-10).join(' | ')}`)),
    ),
  );
  pageError.catch(() => undefined); // observed by the tests that race it
  await page.goto(new URL(path, url).href);
  return {
    url,
    browser,
    page,
    pageError,
    close: async () => {
      await browser.close();
      await close();
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts recording how long the page's UI thread is busy: every long task (the Long Tasks API:
 * tasks over 50 ms) and the gaps between animation frames. Read the result with {@link responsiveness}.
 */
export async function watchResponsiveness(page: Page): Promise<void> {
  await page.evaluate(() => {
    const record = { longestTaskMs: 0, longestFrameGapMs: 0, frames: 0 };
    (window as unknown as { studioResponsiveness: typeof record }).studioResponsiveness = record;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) record.longestTaskMs = Math.max(record.longestTaskMs, entry.duration);
    }).observe({ type: 'longtask', buffered: false });
    let last = performance.now();
    const tick = (now: number) => {
      record.longestFrameGapMs = Math.max(record.longestFrameGapMs, now - last);
      record.frames++;
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** What {@link watchResponsiveness} recorded since it started (milliseconds). */
export function responsiveness(
  page: Page,
): Promise<{ longestTaskMs: number; longestFrameGapMs: number; frames: number }> {
  return page.evaluate(
    () =>
      (
        window as unknown as {
          studioResponsiveness: { longestTaskMs: number; longestFrameGapMs: number; frames: number };
        }
      ).studioResponsiveness,
  );
}

/** Text of the studio's error banner ('' when nothing failed). */
export async function errorBanner(page: Page): Promise<string> {
  return (await page.textContent('#studio-errors')) ?? '';
}
