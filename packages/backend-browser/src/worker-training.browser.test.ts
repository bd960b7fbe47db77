import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type BrowserSession, openBrowserSession } from './browser-test-support/browser-harness.js';

// Real headless Chromium (Debian's chromium, driven by playwright-core): a DCGAN trains in a Web
// Worker on WebGL (SwiftShader) and on WASM, with the worker's tensor count flat across steps.
let session: BrowserSession;
beforeAll(async () => {
  session = await openBrowserSession();
}, 120_000);
afterAll(async () => {
  await session?.close();
});

describe('training in a Web Worker (Chromium)', () => {
  it.each(['webgl', 'wasm'] as const)(
    'trains on %s with a flat tensor count, samples, pause and resume',
    async (backend) => {
      const result = await session.call('trainInWorker', backend);
      expect(result.backend).toBe(backend);
      expect(result.steps).toEqual([1, 2, 3, 4, 5, 6]);
      expect(result.finite).toBe(true);
      // Optimizer slots appear in the first steps; from then on the count must not move.
      expect(new Set(result.tensorCounts.slice(2)).size).toBe(1);
      expect(result.samples.map((s) => s.step)).toEqual([3, 6]);
      expect(result.samples[0]).toMatchObject({ width: 2 * 28 + 3 * 2, height: 2 * 28 + 3 * 2 });
      expect(result.stepsWhilePaused).toBe(0);
      expect(result.checkpointBytes).toBeGreaterThan(1000);
      expect(result.afterJob).toBe(0); // the job freed everything it made
      expect(result.uiTicks).toBeGreaterThan(10); // the page's timers kept running during training
    },
    240_000,
  );

  it('cancels a running job between steps', async () => {
    const result = await session.call('cancelInWorker');
    expect(result.stoppedBy).toBe('abort');
    expect(result.step).toBeLessThanOrEqual(2);
  }, 120_000);
});
