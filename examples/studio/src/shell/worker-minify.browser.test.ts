import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { expect, it } from 'vitest';

import { chromiumLaunchOptions } from '../../../../test-support/chromium-launch-options.js';

// vite.config.ts minifies the worker bundles without the compress pass, because compress breaks
// tfjs-backend-wasm's threads (docs/backends.md, "Threads in the browser"). Built with Vite's default
// minify instead, the studio must say so in the page when WASM starts, not hang at "Loading".
const root = new URL('../..', import.meta.url).pathname;

it('a worker bundle minified with the compress pass fails with an error in the page that says so, instead of hanging', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'ganforge-studio-compress-minified-'));
  await build({
    root,
    logLevel: 'error',
    worker: { rolldownOptions: { output: { minify: true } } },
    build: { outDir, emptyOutDir: true },
  });
  const server = await preview({
    root,
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    await page.goto(new URL('?backend=wasm#train', server.resolvedUrls!.local[0]!).href);
    // The bundle's threads only start (and fail) where the page is cross-origin isolated.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.click('#train-start');
    await page.waitForFunction(
      () => document.getElementById('studio-errors')?.textContent?.includes('not available'),
      undefined,
      {
        timeout: 120_000,
      },
    );
    const banner = (await page.textContent('#studio-errors'))!;
    expect(banner).toContain("Backend 'wasm' is not available: a thread of tfjs-backend-wasm's threaded build failed");
    expect(banner).toContain('is not defined');
    expect(banner).toContain('turn its compress pass off');
    expect(banner).not.toContain('.wasm files'); // not mistaken for missing .wasm files
    // Reported once, as that explanation; not also as the raw ReferenceError of each thread.
    expect(banner).not.toContain('Unexpected error');
    expect(await page.$$('#studio-errors .studio-error')).toHaveLength(1);
  } finally {
    await browser.close();
    await new Promise((resolve) => server.httpServer.close(resolve));
    rmSync(outDir, { recursive: true, force: true });
  }
}, 300_000);
