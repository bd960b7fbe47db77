import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { encodeImage } from '@ganforge/data/node';
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';

import { loadPhotos } from './load-photos.js';

// Fixtures and Pillow's upright decode of them (ImageOps.exif_transpose), from @ganforge/data's test fixtures.
const fixtures = new URL('../../../data/src/test-fixtures/', import.meta.url).pathname;

it('reads phone photos upright (EXIF orientation 6), drops alpha, and takes WebP', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'ganforge-photos-'));
  copyFileSync(join(fixtures, 'exif-orientation-6.jpg'), join(folder, 'a-phone.jpg'));
  copyFileSync(join(fixtures, 'logo-alpha.png'), join(folder, 'b-logo.png'));
  writeFileSync(
    join(folder, 'c.webp'),
    await encodeImage({ width: 3, height: 2, channels: 3, data: new Uint8Array(18).fill(90) }, 'webp'),
  );
  const expected = JSON.parse(readFileSync(join(fixtures, 'image-fixtures.expected.json'), 'utf8')) as {
    exifOrientation: Record<string, { width: number; height: number; rgb: number[] }>;
  };
  const upright = expected.exifOrientation['exif-orientation-6.jpg']!;
  const { images, paths } = await loadPhotos(folder);
  expect(paths.map((path) => path.split('/').at(-1))).toEqual(['a-phone.jpg', 'b-logo.png', 'c.webp']);
  expect(images.map((image) => image.shape)).toEqual([
    [upright.height, upright.width, 3],
    [10, 12, 3],
    [2, 3, 3],
  ]);
  const pixels = await images[0]!.data();
  // libjpeg-turbo (sharp) and Pillow's libjpeg may round the IDCT differently by a level or two.
  expect(Math.max(...Array.from(pixels, (value, i) => Math.abs(value - upright.rgb[i]!)))).toBeLessThanOrEqual(2);
  tf.dispose(images);
});
