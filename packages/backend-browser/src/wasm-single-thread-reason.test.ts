import { describe, expect, it } from 'vitest';

import { wasmSingleThreadReason } from './wasm-single-thread-reason.js';

// The environments tfjs-backend-wasm 4.22 runs on one thread in; the real browser behind each one is
// checked in Chromium by wasm-threads.browser.test.ts.
const threaded = { crossOriginIsolated: true, threadsSupported: true, simdSupported: true, logicalCores: 8 };

describe('wasmSingleThreadReason', () => {
  it('names both headers when the page is not cross-origin isolated', () => {
    const reason = wasmSingleThreadReason({ ...threaded, crossOriginIsolated: false, threadsSupported: false });
    expect(reason).toBe(
      "not cross-origin isolated: serve the page (and its workers' scripts) with " +
        'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp to use threads',
    );
  });

  it('says tfjs halves the logical cores when an isolated device reports fewer than 4', () => {
    expect(wasmSingleThreadReason({ ...threaded, logicalCores: 2 })).toBe(
      'tfjs-backend-wasm uses half of the logical cores, and this device reports 2',
    );
    expect(wasmSingleThreadReason({ ...threaded, logicalCores: 4 })).toBeUndefined();
  });

  it('blames the browser when isolated but without WebAssembly threads or SIMD', () => {
    expect(wasmSingleThreadReason({ ...threaded, threadsSupported: false })).toMatch(/has no threads/);
    expect(wasmSingleThreadReason({ ...threaded, simdSupported: false })).toMatch(/needs WebAssembly SIMD/);
  });

  it('gives no reason where more than one thread is possible', () => {
    expect(wasmSingleThreadReason(threaded)).toBeUndefined();
  });
});
