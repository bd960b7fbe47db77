import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';

import { chromium } from 'playwright-core';
import { build } from 'vite';
import { expect, it } from 'vitest';

import { chromiumLaunchOptions } from '../../../test-support/chromium-launch-options.js';

// End to end: build the playground with Vite, open it in Chromium, train on WASM in the worker and
// watch the page update. PLAYGROUND_SCREENSHOT=path saves a screenshot (docs/images/playground.png).
const root = new URL('..', import.meta.url).pathname;
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

it('trains a DCGAN in a worker and draws its samples, with the page responsive', async () => {
  await build({ root, logLevel: 'error', build: { outDir: join(root, 'dist'), emptyOutDir: true } });
  const server = createServer((request, response) => {
    const path = join(root, 'dist', new URL(request.url ?? '/', 'http://x').pathname);
    const file = statSync(path, { throwIfNoEntry: false })?.isFile() ? path : join(root, 'dist', 'index.html');
    response
      .writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
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
    await page.click('#start');
    await page.waitForFunction(
      () => document.getElementById('status')?.textContent?.includes('checkpoint is saved'),
      undefined,
      {
        timeout: 600_000,
      },
    );
    const status = (await page.textContent('#status'))!;
    expect(status).toMatch(/step \d+ \/ \d+/);
    expect(status).toContain('Done on WebAssembly');
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
    server.close();
  }
}, 900_000);
