// Real headless Chromium (Debian's chromium, driven by playwright-core): image Blobs decode upright
// (EXIF orientation) with alpha kept. Expected pixels from Pillow (Debian python3-pil), independently
// of the browser's decoder: packages/data/src/test-fixtures/make-image-fixtures.py.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { chromiumLaunchOptions } from '../../../test-support/chromium-launch-options.js';
import {
  blackPngBomb,
  jpegWithHeader,
  pngWithHeader,
  webpWithHeader,
} from '../../data/src/test-fixtures/hostile-image-bytes.js';

const here = new URL('.', import.meta.url).pathname;
const packages = join(here, '..', '..');
const fixtures = join(packages, 'data', 'src', 'test-fixtures');
const expected = JSON.parse(readFileSync(join(fixtures, 'image-fixtures.expected.json'), 'utf8')) as {
  exifOrientation: Record<string, { width: number; height: number; rgb: number[] }>;
  logoAlpha: { width: number; height: number; rgba: number[] };
};

type Api = {
  decode(url: string, channels: 1 | 3 | 4): Promise<{ shape: number[]; data: number[]; tensors: number }>;
  decodeError(): Promise<string>;
  readBytes(
    bytes: number[],
    name: string,
    options: { maxPixels?: number; maxFileBytes?: number },
  ): Promise<{
    shape?: number[];
    error?: string;
    code?: string;
    message?: string;
    isGanForgeError?: boolean;
    decodes: number;
  }>;
};

let call: <K extends keyof Api>(name: K, ...args: Parameters<Api[K]>) => Promise<Awaited<ReturnType<Api[K]>>>;
let close: () => Promise<void>;

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'ganforge-image-decoding-'));
  await build({
    entryPoints: { page: join(here, 'browser-test-support', 'image-decoding-page.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outdir: out,
    logLevel: 'error',
    alias: {
      '@ganforge/core': join(packages, 'core/src/index.ts'),
      '@ganforge/data': join(packages, 'data/src/index.ts'),
    },
  });
  const script = readFileSync(join(out, 'page.js'));
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (url.startsWith('/fixtures/') && /^[\w.-]+$/.test(url.slice('/fixtures/'.length))) {
      response.writeHead(200).end(readFileSync(join(fixtures, url.slice('/fixtures/'.length))));
    } else
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><html><body><script type="module" src="/page.js"></script></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch(chromiumLaunchOptions());
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
  await page.waitForFunction(() => (globalThis as unknown as { ganforgeReady?: boolean }).ganforgeReady === true);
  call = (name, ...args) =>
    page.evaluate(
      ([name, args]) =>
        (
          (globalThis as unknown as { ganforgeImages: Record<string, (...a: unknown[]) => unknown> }).ganforgeImages[
            name
          ]! as (...a: unknown[]) => Promise<never>
        )(...args),
      [name, args] as const,
    );
  close = async () => {
    expect(errors).toEqual([]);
    await browser.close();
    server.close();
  };
});

afterAll(async () => {
  await close?.();
});

it('decodes JPEGs upright for every EXIF orientation, as Pillow turns them', async () => {
  // Stored as 16x8; upright (orientation 6: rotate 90 degrees clockwise) it is 8x16.
  expect([
    expected.exifOrientation['exif-orientation-6.jpg']!.width,
    expected.exifOrientation['exif-orientation-6.jpg']!.height,
  ]).toEqual([8, 16]);
  for (let k = 1; k <= 8; k++) {
    const name = `exif-orientation-${k}.jpg`;
    const reference = expected.exifOrientation[name]!;
    const { shape, data, tensors } = await call('decode', `/fixtures/${name}`, 3);
    expect(shape, name).toEqual([reference.height, reference.width, 3]);
    // Chromium's libjpeg-turbo and Pillow's may round the IDCT differently by a level or two.
    const worst = Math.max(...data.map((value, i) => Math.abs(value - reference.rgb[i]!)));
    expect(worst, name).toBeLessThanOrEqual(2);
    expect(tensors).toBe(0);
  }
});

it('keeps the alpha channel of a PNG exactly, and the colour of its opaque pixels', async () => {
  const { shape, data } = await call('decode', '/fixtures/logo-alpha.png', 4);
  const { width, height, rgba } = expected.logoAlpha;
  expect(shape).toEqual([height, width, 4]);
  expect(data.filter((_, i) => i % 4 === 3)).toEqual(rgba.filter((_, i) => i % 4 === 3));
  for (let i = 0; i < width * height; i++) {
    if (rgba[i * 4 + 3] === 255) expect(data.slice(i * 4, i * 4 + 3)).toEqual(rgba.slice(i * 4, i * 4 + 3));
  }
});

it('names what it could not decode', async () => {
  expect(await call('decodeError')).toMatch(
    /^BrowserImageDecodeError: image: expected a PNG, JPEG, WebP, GIF or AVIF image, received bytes without a header that gives an image's size/,
  );
});

// A 4 x 4 RGB PNG written by hand from the PNG spec: each row is filter byte 0 then (10, 20, 30) four times.
const solidPng = pngWithHeader(4, 4, {
  idat: Uint8Array.from({ length: 4 * 13 }, (_, i) => (i % 13 === 0 ? 0 : [10, 20, 30][(i % 13) - 1]! % 256)),
});

it('decodes a small PNG written by hand from the spec', async () => {
  const result = await call('readBytes', Array.from(solidPng), 'solid.png', {});
  expect(result).toEqual({ shape: [4, 4, 3], decodes: 1 });
});

// Issue 12: a tiny file whose header claims a huge image must be refused from its header, before the
// browser's decoder (createImageBitmap, counted by the page) allocates anything for it.
const hostile: {
  name: string;
  bytes: Uint8Array;
  options?: { maxPixels?: number; maxFileBytes?: number };
  error: string;
  code: string;
  message: RegExp;
  decodes: number;
}[] = [
  {
    name: 'huge.png',
    bytes: pngWithHeader(60000, 60000),
    error: 'SizeLimitError',
    code: 'SIZE_LIMIT',
    message:
      /^huge\.png \(a 60000 x 60000 image\): expected at most 33,554,432 pixels, received 3,600,000,000 pixels\. .*options\.maxPixels\.$/,
    decodes: 0,
  },
  {
    name: 'huge.jpg',
    bytes: jpegWithHeader(65000, 65000),
    error: 'SizeLimitError',
    code: 'SIZE_LIMIT',
    message: /^huge\.jpg \(a 65000 x 65000 image\).*received 4,225,000,000 pixels/,
    decodes: 0,
  },
  {
    name: 'huge.webp',
    bytes: webpWithHeader(16383, 16383),
    error: 'SizeLimitError',
    code: 'SIZE_LIMIT',
    message: /^huge\.webp \(a 16383 x 16383 image\).*received 268,402,689 pixels/,
    decodes: 0,
  },
  {
    name: 'bomb.png',
    bytes: blackPngBomb(16000, 16000),
    error: 'SizeLimitError',
    code: 'SIZE_LIMIT',
    message: /^bomb\.png \(a 16000 x 16000 image\).*received 256,000,000 pixels/,
    decodes: 0,
  },
  {
    name: 'solid.png',
    bytes: solidPng,
    options: { maxPixels: 15 },
    error: 'SizeLimitError',
    code: 'SIZE_LIMIT',
    message: /^solid\.png \(a 4 x 4 image\): expected at most 15 pixels, received 16 pixels\. .*options\.maxPixels\.$/,
    decodes: 0,
  },
  {
    name: 'solid.png',
    bytes: solidPng,
    options: { maxFileBytes: 10 },
    error: 'SizeLimitError',
    code: 'SIZE_LIMIT',
    message: /^solid\.png: expected at most 10 bytes, received \d+ bytes\. .*options\.maxFileBytes\.$/,
    decodes: 0,
  },
  {
    name: 'half.png',
    bytes: solidPng.subarray(0, 40),
    error: 'BrowserImageDecodeError',
    code: 'INVALID_FILE',
    message: /^half\.png: expected a PNG, JPEG, WebP, GIF or AVIF image, received bytes this browser does not decode/,
    decodes: 1,
  },
  {
    name: 'empty.png',
    bytes: new Uint8Array(0),
    error: 'BrowserImageDecodeError',
    code: 'INVALID_FILE',
    message: /^empty\.png: expected a PNG, JPEG, WebP, GIF or AVIF image, received bytes without a header/,
    decodes: 0,
  },
  {
    name: 'notes.png',
    bytes: new TextEncoder().encode('not an image, just text\n'),
    error: 'BrowserImageDecodeError',
    code: 'INVALID_FILE',
    message: /^notes\.png: expected a PNG, JPEG, WebP, GIF or AVIF image, received bytes without a header/,
    decodes: 0,
  },
  {
    name: 'drawing.png',
    bytes: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>'),
    error: 'BrowserImageDecodeError',
    code: 'INVALID_FILE',
    message: /^drawing\.png: expected a PNG, JPEG, WebP, GIF or AVIF image, received a SVG file\.$/,
    decodes: 0,
  },
];

it.each(hostile.map((row) => [`${row.name} ${JSON.stringify(row.options ?? {})}`, row] as const))(
  'refuses %s with a typed error, before decoding when the header is enough',
  async (_, row) => {
    const result = await call('readBytes', Array.from(row.bytes), row.name, row.options ?? {});
    expect(result.error).toBe(row.error);
    expect(result.isGanForgeError).toBe(true);
    expect(result.code).toBe(row.code);
    expect(result.message).toMatch(row.message);
    expect(result.message).not.toMatch(/\n/);
    expect(result.decodes).toBe(row.decodes);
  },
);
