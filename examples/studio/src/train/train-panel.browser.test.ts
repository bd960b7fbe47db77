import { join } from 'node:path';

import { chromium } from 'playwright-core';
import { build, createServer, preview } from 'vite';
import { expect, it } from 'vitest';

import { chromiumLaunchOptions } from '../../../../test-support/chromium-launch-options.js';

// End to end: build the playground with Vite, serve it with `vite preview` (vite.config.ts), open it in
// Chromium, train on WASM in the worker and watch the page update. PLAYGROUND_SCREENSHOT=path saves a
// screenshot (docs/images/playground.png).
const root = new URL('..', import.meta.url).pathname;
const listen = { host: '127.0.0.1', port: 0, strictPort: false } as const;

it('the dev server sends the cross-origin isolation headers that WASM threads need', async () => {
  const server = await createServer({ root, logLevel: 'error', server: { ...listen, hmr: false } });
  await server.listen();
  try {
    const url = server.resolvedUrls!.local[0]!;
    for (const path of ['', 'src/training.worker.ts']) {
      const response = await fetch(new URL(path, url));
      expect(response.status).toBe(200);
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
  } finally {
    await server.close();
  }
}, 120_000);

it('trains a DCGAN in a worker and draws its samples, with the page responsive and cross-origin isolated', async () => {
  await build({ root, logLevel: 'error', build: { outDir: join(root, 'dist'), emptyOutDir: true } });
  const server = await preview({ root, logLevel: 'error', preview: listen });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
    await page.goto(server.resolvedUrls!.local[0]!);
    // The preview server's headers make the page cross-origin isolated: tfjs's threaded WASM build can start.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.selectOption('#backend', 'wasm');
    await page.fill('#steps', process.env['PLAYGROUND_STEPS'] ?? '50');
    // Count the spinner's frames while the worker trains: it only turns while the UI thread is free.
    await page.evaluate(() => {
      const counter = window as unknown as { spinnerFrames: number };
      counter.spinnerFrames = 0;
      new MutationObserver(() => counter.spinnerFrames++).observe(document.getElementById('spinner')!, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    // An uncaught error (e.g. in tfjs's WASM threads, which leaves training waiting forever) fails at once.
    const warnings: string[] = [];
    page.on('console', (message) => void (message.type() === 'warning' && warnings.push(message.text())));
    const pageError = new Promise<never>((_, reject) =>
      page.on('pageerror', (error) =>
        reject(new Error(`the page threw: ${error.message}; console warnings: ${warnings.join(' | ')}`)),
      ),
    );
    await page.click('#start');
    await Promise.race([
      page.waitForFunction(
        () => document.getElementById('status')?.textContent?.includes('checkpoint is saved'),
        undefined,
        { timeout: 600_000 },
      ),
      pageError,
    ]);
    const status = (await page.textContent('#status'))!;
    expect(status).toMatch(/step \d+ \/ \d+/);
    // 'WebAssembly SIMD, N threads', or '1 thread' with the reason; never 'not cross-origin isolated'.
    expect(status).toMatch(/Done on WebAssembly SIMD, \d+ threads?/);
    expect(status).not.toContain('not cross-origin isolated');
    // The samples canvas holds a grid with both dark and bright pixels (not a blank canvas).
    const spread = await page.evaluate(() => {
      const canvas = document.getElementById('samples') as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let min = 255;
      let max = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        min = Math.min(min, pixels[i]!);
        max = Math.max(max, pixels[i]!);
      }
      return { width: canvas.width, min, max };
    });
    expect(spread.width).toBe(6 * 28 + 7 * 2);
    expect(spread.max - spread.min).toBeGreaterThan(100);
    // A frame every 100 ms: a run of several seconds turns it many times (a blocked page would not).
    expect(await page.evaluate(() => (window as unknown as { spinnerFrames: number }).spinnerFrames)).toBeGreaterThan(
      10,
    );
    if (process.env['PLAYGROUND_SCREENSHOT']) await page.screenshot({ path: process.env['PLAYGROUND_SCREENSHOT'] });
  } finally {
    await browser.close();
    await server.close();
  }
}, 900_000);

it('a worker bundle minified with the compress pass fails with an error that says so, instead of hanging', async () => {
  // Vite's default minify for the worker: tfjs's threads get a factory text that refers to a renamed variable.
  const outDir = join(root, 'node_modules/.cache/playground-compress-minified');
  await build({
    root,
    logLevel: 'error',
    worker: { rolldownOptions: { output: { minify: true } } },
    build: { outDir, emptyOutDir: true },
  });
  const server = await preview({ root, logLevel: 'error', build: { outDir }, preview: listen });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    await page.goto(server.resolvedUrls!.local[0]!);
    await page.selectOption('#backend', 'wasm');
    await page.fill('#steps', '5');
    await page.click('#start');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Error:'), undefined, {
      timeout: 120_000,
    });
    const status = (await page.textContent('#status'))!;
    expect(status).toContain("Backend 'wasm' is not available: a thread of tfjs-backend-wasm's threaded build failed");
    expect(status).toContain('is not defined');
    expect(status).toContain('turn its compress pass off');
    expect(status).not.toContain('.wasm files'); // not mistaken for missing .wasm files
  } finally {
    await browser.close();
    await server.close();
  }
}, 300_000);
