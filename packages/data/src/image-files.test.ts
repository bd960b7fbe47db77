import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';

import { decodeImage, ImageDecodeError, loadImageFolder, readImage } from './image-files.js';
import { encodePng } from './save-image-grid.js';

function solid(width: number, height: number, rgb: [number, number, number]) {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return { width, height, data };
}

describe('image files', () => {
  it('decodes PNG and JPEG by content', async () => {
    const png = encodePng(solid(3, 2, [10, 200, 30]));
    expect(decodeImage(png).width).toBe(3);
    expect(Array.from(decodeImage(png).data.subarray(0, 4))).toEqual([10, 200, 30, 255]);
    const jpg = jpeg.encode(
      { ...solid(8, 8, [200, 100, 50]), data: Buffer.from(solid(8, 8, [200, 100, 50]).data) },
      95,
    ).data;
    const decoded = decodeImage(new Uint8Array(jpg));
    expect(decoded.width).toBe(8);
    // JPEG is lossy: a flat colour comes back within a few levels.
    Array.from(decoded.data.subarray(0, 3)).forEach((value, i) =>
      expect(Math.abs(value - [200, 100, 50][i]!)).toBeLessThanOrEqual(3),
    );
    expect(() => decodeImage(Uint8Array.from([1, 2, 3]), 'x.png')).toThrow(ImageDecodeError);
  });

  it('converts to grey with BT.601 weights', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-img-'));
    await writeFile(join(folder, 'a.png'), encodePng(solid(2, 2, [255, 0, 0])));
    const grey = await readImage(join(folder, 'a.png'), { channels: 1 });
    expect(grey.shape).toEqual([2, 2, 1]);
    expect(grey.dataSync()[0]).toBe(Math.round(0.299 * 255));
  });

  it('loads a folder as centre-cropped, resized images in [-1, 1]', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-folder-'));
    await writeFile(join(folder, 'b.png'), encodePng(solid(12, 8, [255, 255, 255])));
    await writeFile(join(folder, 'a.png'), encodePng(solid(4, 4, [0, 0, 0])));
    await writeFile(join(folder, 'notes.txt'), 'not an image');
    const { images, paths } = await loadImageFolder(folder, { size: 4 });
    expect(images.shape).toEqual([2, 4, 4, 3]);
    expect(paths.map((p) => p.slice(-5))).toEqual(['a.png', 'b.png']);
    const values = images.dataSync();
    expect(values[0]).toBe(-1);
    expect(values[values.length - 1]).toBeCloseTo(1, 5);
    await expect(loadImageFolder(folder, { size: 0 })).rejects.toThrow(/options.size/);
  });
});
