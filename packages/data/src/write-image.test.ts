import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { decodeImage } from './image-files.js';
import { imageFileFormat } from './image-file-format.js';
import { encodeImage, writeImage } from './write-image.js';

/** Magic numbers: PNG (RFC 2083 sec. 12.11), JPEG SOI + marker, WebP's RIFF container with 'WEBP'. */
function formatOf(bytes: Uint8Array): string {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => bytes[i] === byte)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return 'unknown';
}

/** 4x3 RGBA: a colour ramp, alpha 255 except two pixels. */
function rgbaPicture(transparent: boolean) {
  const data = new Uint8Array(4 * 3 * 4);
  for (let i = 0; i < 12; i++) data.set([i * 20, 255 - i * 20, (i * 50) % 256, 255], i * 4);
  if (transparent) {
    data[3] = 0;
    data[7] = 128;
  }
  return { width: 4, height: 3, data };
}

describe('imageFileFormat', () => {
  it('picks the format from the extension, case-insensitively, and names the argument otherwise', () => {
    expect(['a.png', 'b.JPG', 'c.jpeg', 'd.webp'].map((path) => imageFileFormat(path))).toEqual([
      'png',
      'jpeg',
      'jpeg',
      'webp',
    ]);
    expect(() => imageFileFormat('out.bmp', '--out')).toThrow(
      /^--out: expected a file name ending in \.png, \.jpg, \.jpeg or \.webp .*received "out\.bmp"/,
    );
    expect(() => imageFileFormat('no-extension')).toThrow(/^path: expected a file name ending in/);
  });
});

describe('writeImage', () => {
  it('writes atomically: the temporaries an interrupted write left (any version) are removed', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-write-'));
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid; // a process that has exited
    // writeFileAtomically's name for a temporary, and the one writeImage used before it.
    await writeFile(join(folder, `.a.png.${deadPid}-0123456789ab.tmp`), 'half a picture');
    await writeFile(join(folder, `a.png.${deadPid}.tmp`), 'half a picture');
    await writeFile(join(folder, `b.png.${deadPid}.tmp`), 'another file: kept');
    await writeImage(join(folder, 'a.png'), rgbaPicture(false));
    expect((await readdir(folder)).sort()).toEqual(['a.png', `b.png.${deadPid}.tmp`]);
  });

  it('writes the format the extension names, each readable by an independent decoder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-write-'));
    const picture = rgbaPicture(false);
    for (const name of ['a.png', 'b.jpg', 'c.jpeg', 'd.webp', 'e.PNG'])
      await writeImage(join(folder, 'x', name), picture);
    const bytes = async (name: string) => new Uint8Array(await readFile(join(folder, 'x', name)));
    expect(
      await Promise.all(
        ['a.png', 'b.jpg', 'c.jpeg', 'd.webp', 'e.PNG'].map(async (name) => formatOf(await bytes(name))),
      ),
    ).toEqual(['png', 'jpeg', 'jpeg', 'webp', 'png']);
    // PNG is lossless: pngjs (not sharp) reads back the exact pixels.
    const png = PNG.sync.read(Buffer.from(await bytes('a.png')));
    expect(Array.from(png.data)).toEqual(Array.from(picture.data));
    // JPEG: jpeg-js (not sharp) reads it; lossy, so compare the size and that it is close.
    const decoded = jpeg.decode(Buffer.from(await bytes('b.jpg')), { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([4, 3]);
    // No temporary files are left behind.
    expect((await readdir(join(folder, 'x'))).sort()).toEqual(['a.png', 'b.jpg', 'c.jpeg', 'd.webp', 'e.PNG']);
  });

  // The fault: `ganforge upscale in.png out.jpg` wrote PNG bytes into a .jpg file.
  it('refuses another extension before writing anything', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-write-'));
    for (const name of ['out.bmp', 'out.gif', 'out']) {
      await expect(writeImage(join(folder, name), rgbaPicture(false), { argument: '--out' })).rejects.toThrow(
        /^--out: expected a file name ending in \.png, \.jpg, \.jpeg or \.webp/,
      );
    }
    expect(await readdir(folder)).toEqual([]);
  });

  it('keeps alpha in PNG and WebP, and refuses JPEG for an image with transparent pixels', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-write-'));
    const picture = rgbaPicture(true);
    await writeImage(join(folder, 'a.png'), picture);
    const png = PNG.sync.read(await readFile(join(folder, 'a.png')));
    expect(Array.from(png.data)).toEqual(Array.from(picture.data));
    await writeImage(join(folder, 'a.webp'), picture, { quality: 100 });
    const webp = await decodeImage(await readFile(join(folder, 'a.webp')));
    expect(Array.from(webp.data.filter((_, i) => i % 4 === 3))).toEqual(
      Array.from(picture.data.filter((_, i) => i % 4 === 3)),
    );
    await expect(writeImage(join(folder, 'a.jpg'), picture)).rejects.toThrow(
      /^image: expected an opaque image for JPEG, which cannot store transparency, received 4 channels with transparent pixels\. Write a \.png or \.webp/,
    );
    expect(existsSync(join(folder, 'a.jpg'))).toBe(false);
  });

  it('writes 1-, 2- and 3-channel pixels and checks their size', async () => {
    const grey = await encodeImage({ width: 2, height: 1, channels: 1, data: Uint8Array.of(0, 200) }, 'png');
    expect(Array.from((await decodeImage(grey)).data)).toEqual([0, 0, 0, 255, 200, 200, 200, 255]);
    const greyAlpha = await encodeImage(
      { width: 2, height: 1, channels: 2, data: Uint8Array.of(10, 0, 90, 77) },
      'png',
    );
    expect(Array.from((await decodeImage(greyAlpha)).data)).toEqual([10, 10, 10, 0, 90, 90, 90, 77]);
    const rgb = await encodeImage({ width: 1, height: 1, channels: 3, data: Uint8Array.of(1, 2, 3) }, 'png');
    expect(Array.from((await decodeImage(rgb)).data)).toEqual([1, 2, 3, 255]);
    await expect(encodeImage({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) }, 'png')).rejects.toThrow(
      /^image\.data: expected a Uint8Array of width \* height \* channels = 12 bytes, received 11 bytes/,
    );
    await expect(
      encodeImage({ width: 1, height: 1, channels: 5 as never, data: new Uint8Array(5) }, 'png'),
    ).rejects.toThrow(/^image\.channels: expected 1, 2, 3 or 4/);
    await expect(encodeImage(rgbaPicture(false), 'bmp' as never)).rejects.toThrow(
      /^format: expected 'png', 'jpeg' or 'webp'/,
    );
    await expect(encodeImage(rgbaPicture(false), 'jpeg', { quality: 0 })).rejects.toThrow(/^options\.quality/);
  });
});
