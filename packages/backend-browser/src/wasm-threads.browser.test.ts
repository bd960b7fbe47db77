import { afterEach, describe, expect, it } from 'vitest';

import {
  type BrowserSession,
  type BrowserSessionOptions,
  openBrowserSession,
} from './browser-test-support/browser-harness.js';

// Real headless Chromium. tfjs-backend-wasm starts navigator.hardwareConcurrency / 2 threads, so on the
// 2-core machines that run these tests Chromium is told (DevTools emulation) that it has 4 logical cores:
// tfjs then starts 2 threads, which this machine's 2 cores really run. Whether the page is cross-origin
// isolated is up to the test server's headers alone.
let session: BrowserSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function open(options: BrowserSessionOptions): Promise<BrowserSession> {
  session = await openBrowserSession(options);
  return session;
}

/** Web Worker threads that used at least `minimumTicks` of CPU (10 ms each) between two readings. */
function busyThreads(before: Map<string, number>, after: Map<string, number>, minimumTicks: number): number {
  return [...after].filter(([thread, ticks]) => ticks - (before.get(thread) ?? 0) >= minimumTicks).length;
}

/** Runs 10 products of 1024 x 1024 matrices (~21 GFLOP, about a second on one core here) and counts the busy worker threads. */
async function busyThreadsWhileMultiplying(browser: BrowserSession): Promise<number> {
  const before = await browser.workerThreadCpuTicks();
  await browser.call('multiply', 1024, 10);
  return busyThreads(before, await browser.workerThreadCpuTicks(), 5);
}

describe('WASM threads in Chromium', () => {
  it('a cross-origin-isolated page runs the threaded build on 2 threads, and a second thread computes', async () => {
    const browser = await open({ crossOriginIsolated: true, hardwareConcurrency: 4 });
    const started = await browser.call('startWasm');
    expect(started.crossOriginIsolated).toBe(true);
    expect(started.logicalCores).toBe(4);
    expect(started.info).toMatchObject({ name: 'wasm', threads: 2, device: 'WebAssembly SIMD, 2 threads' });
    expect(started.logged).toEqual(['[ganforge] backend: wasm (WebAssembly SIMD, 2 threads)']);
    expect(browser.served).toContain('/wasm/tfjs-backend-wasm-threaded-simd.wasm');
    // tfjs's count is what XNNPACK's pool reports; the kernel's per-thread CPU time shows the second
    // thread (a Web Worker running an emscripten pthread) does part of the work.
    expect(await busyThreadsWhileMultiplying(browser)).toBeGreaterThanOrEqual(1);
    // Threads change who computes, not what: the cpu backend is the independent reference.
    expect(await browser.call('matMulDifferenceFromCpu', 256)).toBeLessThan(1e-3);
  }, 120_000);

  it('a page that is not isolated runs 1 thread and says which headers would give it more', async () => {
    const browser = await open({ crossOriginIsolated: false, hardwareConcurrency: 4 });
    const started = await browser.call('startWasm');
    expect(started.crossOriginIsolated).toBe(false);
    expect(started.info).toMatchObject({ name: 'wasm', threads: 1 });
    const reason =
      "not cross-origin isolated: serve the page (and its workers' scripts) with " +
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp to use threads';
    expect(started.info.device).toBe(`WebAssembly SIMD, 1 thread — ${reason}`);
    expect(started.logged).toEqual([`[ganforge] backend: wasm (WebAssembly SIMD, 1 thread — ${reason})`]);
    expect(browser.served).toContain('/wasm/tfjs-backend-wasm-simd.wasm');
    expect(browser.served).not.toContain('/wasm/tfjs-backend-wasm-threaded-simd.wasm');
    expect(await busyThreadsWhileMultiplying(browser)).toBe(0);
  }, 120_000);

  it('an isolated page on a device with 2 logical cores runs 1 thread and says tfjs halves the cores', async () => {
    const browser = await open({ crossOriginIsolated: true, hardwareConcurrency: 2 });
    const started = await browser.call('startWasm');
    expect(started.crossOriginIsolated).toBe(true);
    expect(started.info).toMatchObject({
      threads: 1,
      device:
        'WebAssembly SIMD, 1 thread — tfjs-backend-wasm uses half of the logical cores, and this device reports 2',
    });
    expect(browser.served).toContain('/wasm/tfjs-backend-wasm-threaded-simd.wasm');
    // Isolation alone starts no second thread: the CPU-time check counts threads, not headers.
    expect(await busyThreadsWhileMultiplying(browser)).toBe(0);
  }, 120_000);

  it('a training worker of an isolated page trains on 2 threads', async () => {
    const browser = await open({ crossOriginIsolated: true, hardwareConcurrency: 4 });
    expect(await browser.call('wasmInWorker')).toMatchObject({ threads: 2, device: 'WebAssembly SIMD, 2 threads' });
  }, 120_000);
});
