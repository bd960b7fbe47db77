import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';

import { decodeImage, ImageDecodeError, loadImageFolder, readImage } from './image-files.js';
import { encodeImage } from './write-image.js';

const fixtures = new URL('./test-fixtures/', import.meta.url).pathname;
// Expected pixels decoded by Pillow (Debian python3-pil), independently of sharp:
// test-fixtures/make-image-fixtures.py wrote them next to the fixture files.
const expected = JSON.parse(await readFile(join(fixtures, 'image-fixtures.expected.json'), 'utf8')) as {
  exifOrientation: Record<string, { width: number; height: number; rgb: number[] }>;
  logoAlpha: { width: number; height: number; rgba: number[] };
  greyAlpha: { width: number; height: number; rgba: number[] };
};

function solid(width: number, height: number, rgb: [number, number, number]) {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return { width, height, data };
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('image files', () => {
  it('decodes PNG and JPEG by content', async () => {
    const png = await encodeImage(solid(3, 2, [10, 200, 30]), 'png');
    const decodedPng = await decodeImage(png);
    expect(decodedPng.width).toBe(3);
    expect(Array.from(decodedPng.data.subarray(0, 4))).toEqual([10, 200, 30, 255]);
    // A JPEG from another encoder (jpeg-js).
    const jpg = jpeg.encode(
      { ...solid(8, 8, [200, 100, 50]), data: Buffer.from(solid(8, 8, [200, 100, 50]).data) },
      95,
    );
    const decoded = await decodeImage(new Uint8Array(jpg.data));
    expect(decoded.width).toBe(8);
    // JPEG is lossy: a flat colour comes back within a few levels.
    expect(maxDifference(decoded.data.subarray(0, 3), [200, 100, 50])).toBeLessThanOrEqual(3);
    await expect(decodeImage(Uint8Array.from([1, 2, 3]), 'x.png')).rejects.toThrow(ImageDecodeError);
    await expect(decodeImage(Uint8Array.from([1, 2, 3]), 'x.png')).rejects.toThrow(/x\.png/);
  });

  // The fault: a JPEG whose EXIF orientation says "stored sideways" came out on its side.
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('turns a JPEG with EXIF orientation %i upright as Pillow does', async (k) => {
    const name = `exif-orientation-${k}.jpg`;
    const reference = expected.exifOrientation[name]!;
    const image = await readImage(join(fixtures, name));
    expect(image.shape).toEqual([reference.height, reference.width, 3]);
    // Both decoders are libjpeg-turbo based; the IDCT and chroma upsampling may round differently by a level or two.
    expect(maxDifference(await image.data(), reference.rgb)).toBeLessThanOrEqual(2);
    image.dispose();
  });

  // The fault: the alpha channel of a PNG was dropped.
  it('keeps a PNG alpha channel (straight alpha, as Pillow decodes it) with channels: 4', async () => {
    const logo = await readImage(join(fixtures, 'logo-alpha.png'), { channels: 4 });
    expect(logo.shape).toEqual([expected.logoAlpha.height, expected.logoAlpha.width, 4]);
    expect(Array.from(await logo.data())).toEqual(expected.logoAlpha.rgba);
    logo.dispose();
    const greyAlpha = await decodeImage(await readFile(join(fixtures, 'grey-alpha.png')));
    expect([greyAlpha.width, greyAlpha.height]).toEqual([expected.greyAlpha.width, expected.greyAlpha.height]);
    expect(Array.from(greyAlpha.data)).toEqual(expected.greyAlpha.rgba);
    const rgb = await readImage(join(fixtures, 'logo-alpha.png'));
    expect(rgb.shape).toEqual([expected.logoAlpha.height, expected.logoAlpha.width, 3]);
    rgb.dispose();
    await expect(readImage(join(fixtures, 'logo-alpha.png'), { channels: 2 as never })).rejects.toThrow(
      /options\.channels: expected 1, 3 or 4, received 2/,
    );
  });

  it('converts to grey with BT.601 weights', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-img-'));
    await writeFile(join(folder, 'a.png'), await encodeImage(solid(2, 2, [255, 0, 0]), 'png'));
    const grey = await readImage(join(folder, 'a.png'), { channels: 1 });
    expect(grey.shape).toEqual([2, 2, 1]);
    expect(grey.dataSync()[0]).toBe(Math.round(0.299 * 255));
  });

  it('loads a folder as centre-cropped, resized images in [-1, 1]', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-folder-'));
    await writeFile(join(folder, 'b.png'), await encodeImage(solid(12, 8, [255, 255, 255]), 'png'));
    await writeFile(join(folder, 'a.png'), await encodeImage(solid(4, 4, [0, 0, 0]), 'png'));
    await writeFile(join(folder, 'c.webp'), await encodeImage(solid(4, 4, [0, 0, 0]), 'webp'));
    await writeFile(join(folder, 'notes.txt'), 'not an image');
    const { images, paths } = await loadImageFolder(folder, { size: 4 });
    expect(images.shape).toEqual([3, 4, 4, 3]);
    expect(paths.map((p) => p.slice(-6))).toEqual(['/a.png', '/b.png', 'c.webp']);
    const values = images.dataSync();
    expect(values[0]).toBe(-1);
    expect(values[4 * 4 * 3 * 2 - 1]).toBeCloseTo(1, 5);
    await expect(loadImageFolder(folder, { size: 0 })).rejects.toThrow(/options.size/);
  });

  it('loads a folder of phone photos upright (EXIF orientation 6)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-exif-folder-'));
    await copyFile(join(fixtures, 'exif-orientation-6.jpg'), join(folder, 'phone.jpg'));
    const reference = expected.exifOrientation['exif-orientation-6.jpg']!;
    // Upright it is 8 wide and 16 high: the centre 8x8 square starts at row 4.
    expect([reference.width, reference.height]).toEqual([8, 16]);
    const { images } = await loadImageFolder(folder, { size: 8 });
    const square = reference.rgb.slice(4 * 8 * 3, 12 * 8 * 3).map((v) => v / 127.5 - 1);
    expect(maxDifference(await images.data(), square)).toBeLessThanOrEqual(2 / 127.5 + 1e-6);
    images.dispose();
  });

  it('keeps tensor memory flat', async () => {
    const before = tf.memory().numTensors;
    (await readImage(join(fixtures, 'logo-alpha.png'), { channels: 1 })).dispose();
    (await readImage(join(fixtures, 'exif-orientation-6.jpg'))).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
