// Real headless Chromium (Debian's chromium, driven by playwright-core): weights and models stored in
// IndexedDB load through vgg19FeatureExtractor and loadUpscalingModel, and upscale runs in a page.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { expect, it } from 'vitest';

import { chromiumLaunchOptions } from '../../../test-support/chromium-launch-options.js';

const here = new URL('.', import.meta.url).pathname;
const packages = join(here, '..', '..');

it('loads VGG19 weights and an upscaling model from indexeddb:// and upscales in Chromium', async () => {
  const out = mkdtempSync(join(tmpdir(), 'ganforge-srgan-browser-'));
  await build({
    entryPoints: { page: join(here, 'browser-test-support', 'srgan-test-page.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outdir: out,
    logLevel: 'error',
    alias: { '@ganforge/core': join(packages, 'core/src/index.ts') },
  });
  const script = readFileSync(join(out, 'page.js'));
  const server = createServer((request, response) => {
    if (request.url === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><html><body><script type="module" src="/page.js"></script></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await page.waitForFunction(() => (globalThis as unknown as { ganforgeReady?: boolean }).ganforgeReady === true);
    const result = await page.evaluate(() =>
      (
        globalThis as unknown as { ganforgeSrgan: { indexedDbRoundTrip(): Promise<unknown> } }
      ).ganforgeSrgan.indexedDbRoundTrip(),
    );
    expect(errors).toEqual([]);
    expect(result).toMatchObject({ scale: 2, padding: 9, shape: [20, 24, 3] });
    const { featureDifference, unrelatedDifference, tiledDifference } = result as Record<string, number>;
    expect(featureDifference).toBeLessThan(1e-3);
    expect(unrelatedDifference).toBeGreaterThan(1);
    expect(tiledDifference).toBeLessThan(1e-4 * 127.5);
  } finally {
    await browser.close();
    server.close();
  }
});
