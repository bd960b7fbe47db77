import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { tileImages } from './image-grid.js';
import { saveImageGrid } from './save-image-grid.js';

describe('tileImages', () => {
  it('lays out images left to right, top to bottom, with padding', async () => {
    // Three 1x2 grey images: -1 (black), 0 (mid grey: round(127.5) = 128), 1 (white); 2 columns, padding 1.
    const images = tf.tensor4d([-1, -1, 0, 0, 1, 1], [3, 1, 2, 1]);
    const grid = await tileImages(images, { columns: 2, padding: 1, background: 50 });
    expect([grid.width, grid.height]).toEqual([2 * 2 + 3, 2 * 1 + 3]);
    const red = (x: number, y: number) => grid.data[(y * grid.width + x) * 4];
    expect([red(0, 0), red(1, 1), red(2, 1), red(3, 1), red(4, 1), red(5, 1), red(1, 3), red(4, 3)]).toEqual([
      50, 0, 0, 50, 128, 128, 255, 50,
    ]);
    expect(grid.data[(1 * grid.width + 1) * 4 + 3]).toBe(255);
  });

  it('keeps colour channels', async () => {
    const grid = await tileImages(tf.tensor4d([1, -1, -1], [1, 1, 1, 3]), { padding: 0 });
    expect(Array.from(grid.data)).toEqual([255, 0, 0, 255]);
  });

  it('rejects a non-batch tensor with its shape', async () => {
    await expect(tileImages(tf.zeros([28, 28, 1]))).rejects.toThrow(
      /images: expected shape \[\*, \*, \*, \*\], received \[28, 28, 1\]/,
    );
  });
});

describe('saveImageGrid', () => {
  it('writes a PNG that decodes to the tiled pixels', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'ganforge-grid-')), 'sub', 'grid.png');
    const images = tf.tensor4d([-1, 1, 1, -1], [1, 2, 2, 1]);
    await saveImageGrid(images, path, { padding: 0 });
    const png = PNG.sync.read(await readFile(path));
    expect([png.width, png.height]).toEqual([2, 2]);
    expect(Array.from(png.data).filter((_, i) => i % 4 === 0)).toEqual([0, 255, 255, 0]);
  });

  // The fault: output files were PNG whatever their extension.
  it('writes JPEG and WebP grids when the extension says so', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-grid-'));
    const images = tf.tensor4d([-1, 1, 1, -1], [1, 2, 2, 1]);
    await saveImageGrid(images, join(folder, 'grid.jpg'), { padding: 0 });
    await saveImageGrid(images, join(folder, 'grid.webp'), { padding: 0 });
    const jpg = await readFile(join(folder, 'grid.jpg'));
    expect([jpg[0], jpg[1], jpg[2]]).toEqual([0xff, 0xd8, 0xff]); // JPEG SOI + marker
    // jpeg-js, not sharp, decodes it: 2x2, dark where -1 and light where 1 (lossy, so not exact).
    const decoded = jpeg.decode(jpg, { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([2, 2]);
    const webp = await readFile(join(folder, 'grid.webp'));
    expect([webp.toString('latin1', 0, 4), webp.toString('latin1', 8, 12)]).toEqual(['RIFF', 'WEBP']);
    images.dispose();
  });

  it('refuses an unknown extension before reading the tensor', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-grid-'));
    const images = tf.zeros([1, 2, 2, 1]);
    images.dispose(); // reading it would fail with tfjs' "Tensor is disposed"
    await expect(saveImageGrid(images, join(folder, 'grid.bmp'))).rejects.toThrow(
      /^path: expected a file name ending in \.png, \.jpg, \.jpeg or \.webp/,
    );
  });
});
