import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type BrowserSession, openBrowserSession } from './browser-test-support/browser-harness.js';

// Real headless Chromium: a page that does not serve tfjs-backend-wasm's .wasm files where tfjs
// looks (next to the page: the test server answers 404 there) and passes no wasmPaths. Before, useBackend
// logged tfjs's console warnings and went on with the plain-JavaScript cpu backend.
let session: BrowserSession;
beforeAll(async () => {
  session = await openBrowserSession();
}, 120_000);
afterAll(async () => {
  await session?.close();
});

describe('WASM without its .wasm files (Chromium)', () => {
  it("throws a BackendUnavailableError naming where it looked and what to pass, and runs 'cpu' only when asked", async () => {
    const result = await session.call('chooseWithoutWasmFiles');
    expect(result.chosen).toBeUndefined();
    if (result.error === undefined) throw new Error(`expected an error, useBackend chose ${result.chosen}`);
    expect(result.error).toMatchObject({ name: 'BackendUnavailableError', code: 'BACKEND_UNAVAILABLE' });
    const page = new URL(session.page.url());
    expect(result.error.message).toContain(
      `looked for its .wasm files next to the page or worker script (${page.origin}/)`,
    );
    expect(result.error.message).toContain('as wasmPaths');
    expect(result.cpuWhenAsked).toBe('cpu');
  }, 120_000);
});
