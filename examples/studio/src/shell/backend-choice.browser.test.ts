import { afterAll, beforeAll, expect, it } from 'vitest';

import { openStudio, type StudioSession } from '../test-support/studio-browser.js';

// Chromium on a machine without a GPU, launched as a user's would be (no GL flags): WebGL works, drawn by
// SwiftShader on the CPU behind ANGLE's Vulkan back end, without a "major performance caveat". The studio,
// choosing a backend by itself, must skip that software WebGL (DCGAN training ran at 0.2 steps/s on it,
// against 6 on WASM) and take WASM.
let session: StudioSession;
beforeAll(async () => {
  session = await openStudio('dev', '#text');
}, 120_000);
afterAll(() => session?.close());

it('skips a software WebGL (SwiftShader) when it picks the backend itself, and runs on WASM', async () => {
  const { page, pageError } = session;
  // The premise: this Chromium offers WebGL 2, and its renderer is SwiftShader.
  const renderer = await page.evaluate(() => {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return 'no WebGL 2';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  });
  expect(renderer).toMatch(/SwiftShader/);
  await Promise.race([
    page.waitForSelector('#panel-text[data-backend]', { state: 'attached', timeout: 90_000 }),
    pageError,
  ]);
  expect(await page.getAttribute('#panel-text', 'data-backend')).toBe('wasm');
  expect(await page.textContent('#studio-errors')).toBe('');
});
