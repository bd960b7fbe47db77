// `ganforge upscale` and image files: transparency kept, output format by extension, EXIF orientation.
// Fixtures and their expected values come from Pillow (Debian python3-pil), independently of sharp:
// packages/data/src/test-fixtures/make-image-fixtures.py.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { encodeImage } from '@ganforge/data/node';
import { saveUpscalingModel, srresnet, upscale } from '@ganforge/srgan';
import '@ganforge/srgan/node';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';

// `errors` is all of stderr but the backend line and progress bars: tfjs's banner no longer needs filtering.
import { ganforge } from '../test-support/run-ganforge.js';

const fixtures = new URL('../../../data/src/test-fixtures/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(join(fixtures, 'image-fixtures.expected.json'), 'utf8')) as {
  exifOrientation: Record<string, { width: number; height: number; rgb: number[] }>;
  logoAlpha: { width: number; height: number; rgba: number[]; alphaX4: number[]; interiorBorder: number };
};
const logo = join(fixtures, 'logo-alpha.png');
const root = mkdtempSync(join(tmpdir(), 'ganforge-upscale-files-'));
const modelFolder = join(root, 'model');
const opaque = join(root, 'opaque.png');

/** Largest |ours - Pillow's bicubic| of the x4 alpha over output pixels at least `interiorBorder` from the edge. */
function interiorAlphaError(alpha: (x: number, y: number) => number): number {
  const { width, height, alphaX4, interiorBorder: border } = expected.logoAlpha;
  let worst = 0;
  for (let y = border; y < 4 * height - border; y++) {
    for (let x = border; x < 4 * width - border; x++) {
      worst = Math.max(worst, Math.abs(alpha(x, y) - Math.min(255, Math.max(0, alphaX4[y * 4 * width + x]!))));
    }
  }
  return worst;
}

function magic(path: string): string {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return 'unknown';
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  const generator = srresnet({ blocks: 1, filters: 4, scale: 4, seed: 5 });
  await saveUpscalingModel(generator, pathToFileURL(modelFolder).href, { scale: 4, padding: 12 });
  generator.dispose();
  const data = new Uint8Array(6 * 5 * 3).map((_, i) => (i * 37) % 256);
  writeFileSync(opaque, await encodeImage({ width: 6, height: 5, channels: 3, data }, 'png'));
});

describe('ganforge upscale: image files', () => {
  // The fault: a PNG with transparency came out opaque, on black.
  it('keeps transparency: colour through the model, alpha enlarged with bicubic (Pillow on the interior)', async () => {
    const out = join(root, 'logo-x4.png');
    const run = ganforge('upscale', logo, out, '--model', modelFolder, '--backend', 'cpu');
    expect(run.errors).toBe('');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Wrote .* \(48x40\)/);
    expect(magic(out)).toBe('png');
    const png = PNG.sync.read(readFileSync(out)); // pngjs, not sharp, reads it back
    const { width, height, rgba } = expected.logoAlpha;
    expect([png.width, png.height]).toEqual([4 * width, 4 * height]);
    const alphaAt = (x: number, y: number) => png.data[(y * png.width + x) * 4 + 3]!;
    // Ours rounds MATLAB bicubic to 8 bits; Pillow's float bicubic equals it away from the border.
    expect(interiorAlphaError(alphaAt)).toBeLessThanOrEqual(0.5 + 1e-3);
    // Transparent corners stay transparent.
    expect([alphaAt(0, 0), alphaAt(4 * width - 1, 4 * height - 1)]).toEqual([0, 0]);
    // The colour is the model's output for the RGB channels, as upscale() gives it in process.
    const rgb = tf.tensor3d(
      rgba.filter((_, i) => i % 4 !== 3),
      [height, width, 3],
    );
    const model = await tf.loadLayersModel(pathToFileURL(join(modelFolder, 'model.json')).href);
    const reference = await upscale(model, rgb);
    const colour = await reference.data();
    let worst = 0;
    for (let i = 0; i < png.width * png.height; i++) {
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(png.data[i * 4 + c]! - colour[i * 3 + c]!));
    }
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-3);
    tf.dispose([rgb, reference]);
    model.dispose();
  }, 60_000);

  // The fault: `upscale in.png out.jpg` wrote PNG bytes into a .jpg file.
  it('writes the format the extension names (.jpg, .webp; .png above)', () => {
    for (const [name, format] of [
      ['up.jpg', 'jpeg'],
      ['logo.webp', 'webp'],
    ] as const) {
      const out = join(root, name);
      const run = ganforge('upscale', name === 'logo.webp' ? logo : opaque, out, '--model', 'bicubic');
      expect(run.errors).toBe('');
      expect(run.code, run.stderr).toBe(0);
      expect(magic(out)).toBe(format);
    }
    // jpeg-js, not sharp, decodes the JPEG: 4x the 6x5 input.
    const decoded = jpeg.decode(readFileSync(join(root, 'up.jpg')), { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([24, 20]);
  }, 120_000);

  it('refuses another extension, and JPEG for a transparent image, before loading the model', () => {
    const bmp = ganforge('upscale', opaque, join(root, 'up.bmp'), '--model', '@ganforge/no-such-model');
    expect(bmp.code).not.toBe(0);
    expect(bmp.errors).toMatch(/^ganforge: <out>: expected a file name ending in \.png, \.jpg, \.jpeg or \.webp/);
    const jpg = ganforge('upscale', logo, join(root, 'logo.jpg'), '--model', '@ganforge/no-such-model');
    expect(jpg.code).not.toBe(0);
    expect(jpg.errors).toMatch(
      /^ganforge: <out>: expected a \.png or \.webp file, which can keep the transparency of <in>/,
    );
    expect(existsSync(join(root, 'up.bmp')) || existsSync(join(root, 'logo.jpg'))).toBe(false);
  }, 60_000);

  // The fault: a phone JPEG with EXIF orientation 6 came out on its side.
  it('upscales a phone JPEG upright (EXIF orientation 6)', () => {
    const out = join(root, 'phone.png');
    const run = ganforge(
      'upscale',
      join(fixtures, 'exif-orientation-6.jpg'),
      out,
      '--model',
      'bicubic',
      '--scale',
      '2',
    );
    expect(run.errors).toBe('');
    const upright = expected.exifOrientation['exif-orientation-6.jpg']!;
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([2 * upright.width, 2 * upright.height]);
  }, 60_000);
});
