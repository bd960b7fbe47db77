// Node side of the browser tests: bundles the test page and worker with esbuild, serves them (and
// tfjs-backend-wasm's .wasm files) on 127.0.0.1, and opens them in Debian's chromium via playwright-core.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';

import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';

import { chromiumLaunchOptions } from '../../../../test-support/chromium-launch-options.js';
import type { BrowserTestApi } from './test-page.js';

const here = dirname(new URL(import.meta.url).pathname);
const require = createRequire(import.meta.url);
const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist';

/** What a server sends to make its pages cross-origin isolated (MDN: Window.crossOriginIsolated). */
const crossOriginIsolationHeaders = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

const contentTypes: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

export interface BrowserSession {
  readonly page: Page;
  /** The paths the test server has answered (200) so far, in order. */
  readonly served: readonly string[];
  /**
   * CPU time so far (clock ticks) of each Web Worker thread in this browser's renderer processes,
   * keyed 'pid/tid': tfjs-backend-wasm's threads are Web Workers (emscripten pthreads).
   */
  workerThreadCpuTicks(): Promise<Map<string, number>>;
  /** Calls a function of the page's test API (test-page.ts) and returns its result. */
  call<K extends keyof BrowserTestApi>(
    name: K,
    ...args: Parameters<BrowserTestApi[K]>
  ): Promise<Awaited<ReturnType<BrowserTestApi[K]>>>;
  close(): Promise<void>;
}

export interface BrowserSessionOptions {
  /**
   * Serve every response with `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`, the headers that make a page cross-origin isolated
   * (what SharedArrayBuffer, hence tfjs's threaded WASM build, needs). Default: false.
   */
  readonly crossOriginIsolated?: boolean;
  /**
   * What `navigator.hardwareConcurrency` says in the page (Chromium's own emulation, through the
   * DevTools protocol). tfjs-backend-wasm starts half that many threads, so a 2-core test machine
   * needs 4 for tfjs to start 2. Default: the machine's.
   */
  readonly hardwareConcurrency?: number;
}

export async function openBrowserSession(options: BrowserSessionOptions = {}): Promise<BrowserSession> {
  const out = mkdtempSync(join(tmpdir(), 'ganforge-browser-'));
  await build({
    entryPoints: { 'test-page': join(here, 'test-page.ts'), 'test-worker': join(here, 'test-worker.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outdir: out,
    logLevel: 'error',
    alias: workspaceSources(),
  });
  const files: Record<string, Buffer> = {
    '/index.html': Buffer.from(
      '<!doctype html><html><body><script type="module" src="/test-page.js"></script></body></html>',
    ),
    '/test-page.js': readFileSync(join(out, 'test-page.js')),
    '/test-worker.js': readFileSync(join(out, 'test-worker.js')),
  };
  for (const name of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    files[`/wasm/${name}`] = readFileSync(join(wasmDist, name));
  }
  const served: string[] = [];
  const server = createServer((request, response) => {
    const requested = new URL(request.url ?? '/', 'http://localhost').pathname;
    const path = requested === '/' ? '/index.html' : requested;
    const body = files[path];
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    served.push(path);
    response
      .writeHead(200, {
        'content-type': contentTypes[extname(path)] ?? 'application/octet-stream',
        ...(options.crossOriginIsolated ? crossOriginIsolationHeaders : {}),
      })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  let browser: Browser | undefined;
  try {
    browser = await chromium.launch(chromiumLaunchOptions({ softwareWebGl: true }));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'warning' || message.type() === 'error') errors.push(message.text());
    });
    if (options.hardwareConcurrency !== undefined) {
      const devtools = await page.context().newCDPSession(page);
      await devtools.send('Emulation.setHardwareConcurrencyOverride', {
        hardwareConcurrency: options.hardwareConcurrency,
      });
    }
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(
      () => (globalThis as unknown as { ganforgeReady?: boolean }).ganforgeReady === true,
      undefined,
      {
        timeout: 60_000,
      },
    );
    const opened = browser;
    const browserDevtools = await browser.newBrowserCDPSession();
    return {
      page,
      served,
      async workerThreadCpuTicks() {
        const { processInfo } = (await browserDevtools.send('SystemInfo.getProcessInfo')) as {
          processInfo: { type: string; id: number }[];
        };
        const renderers = processInfo.filter((process) => process.type === 'renderer').map((process) => process.id);
        return new Map(renderers.flatMap((pid) => dedicatedWorkerThreadTicks(pid)));
      },
      call: async (name, ...args) => {
        try {
          return (await page.evaluate(
            ([fn, fnArgs]) =>
              (globalThis as unknown as { ganforge: Record<string, (...a: unknown[]) => unknown> }).ganforge[fn]!(
                ...fnArgs,
              ),
            [name, args] as [string, unknown[]],
          )) as never;
        } catch (error) {
          throw new Error(
            `${String(name)} failed in the browser: ${String(error)}${errors.length ? `\npage errors: ${errors.join('\n')}` : ''}`,
          );
        }
      },
      close: async () => {
        await opened.close();
        await closeServer(server);
      },
    };
  } catch (error) {
    await browser?.close();
    await closeServer(server);
    throw error;
  }
}

/**
 * CPU time (clock ticks, utime + stime of /proc/PID/task/TID/stat) of each OS thread of a Chromium
 * renderer that runs a Web Worker: Chromium names those threads 'DedicatedWorker thread' (the kernel
 * keeps 15 characters). Linux only, as the machines that run these tests are.
 */
function dedicatedWorkerThreadTicks(pid: number): [string, number][] {
  return readdirSync(`/proc/${pid}/task`)
    .filter((tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').startsWith('DedicatedWorker'))
    .map((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the parenthesised name, from field 3 (state): utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [`${pid}/${tid}`, Number(fields[11]) + Number(fields[12])];
    });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Bundle workspace packages from their sources, as the tests do (no build needed). */
function workspaceSources(): Record<string, string> {
  const packages = join(here, '..', '..', '..');
  return {
    '@ganforge/core': join(packages, 'core/src/index.ts'),
    '@ganforge/data': join(packages, 'data/src/index.ts'),
    '@ganforge/backend-wasm': join(packages, 'backend-wasm/src/index.ts'),
  };
}
