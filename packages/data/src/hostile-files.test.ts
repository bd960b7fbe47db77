// Hostile and mistaken files for every reader of @ganforge/data (issue 12, "Files from strangers"): each
// must end in a GanForgeError with a code, naming the file or argument, in one line, before anything
// large is allocated. Hostile bytes are built from the format specifications in test-fixtures/.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import {
  FileNotFoundError,
  GanForgeError,
  InvalidArgumentError,
  InvalidFileError,
  SizeLimitError,
  UnsafePathError,
} from '@ganforge/core';
import { describe, expect, it } from 'vitest';

import { makeFifo } from '../../../test-support/special-files.js';
import { parseIdx } from './idx-format.js';
import { decodeImage, ImageDecodeError, loadImageFolder, readImage } from './image-files.js';
import { maxImagePixelsVariable } from './image-size-limits-from-environment.js';
import { loadMnist } from './mnist-files.js';
import {
  blackPngBomb,
  crc32,
  idxBytes,
  jpegWithHeader,
  pngWithHeader,
  webpWithHeader,
} from './test-fixtures/hostile-image-bytes.js';
import { encodeImage } from './write-image.js';

const folder = mkdtempSync(join(tmpdir(), 'ganforge-hostile-'));
let counter = 0;
/** A fresh folder holding `files` (name -> bytes or text); returns its path. */
function folderWith(files: Record<string, Uint8Array | string> = {}): string {
  const path = join(folder, `case-${counter++}`);
  mkdirSync(path);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(path, name), content);
  return path;
}
function fileWith(name: string, content: Uint8Array | string): string {
  return join(folderWith({ [name]: content }), name);
}

const smallPng = await encodeImage({ width: 4, height: 4, data: new Uint8Array(64).fill(200) }, 'png');
const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>';

/** Runs `action` with an environment variable set, then restores it. */
async function withVariable<T>(name: string, value: string, action: () => Promise<T>): Promise<T> {
  const previous = process.env[name];
  process.env[name] = value;
  try {
    return await action();
  } finally {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  }
}

/** An MNIST folder with the given train image and label files (IDX bytes, or a callback making them). */
function mnistFolder(images: Uint8Array | ((path: string) => void), labels = idxBytes([2], [0, 1])): string {
  const path = folderWith({ 'train-labels-idx1-ubyte': labels });
  const imagesPath = join(path, 'train-images-idx3-ubyte');
  if (typeof images === 'function') images(imagesPath);
  else writeFileSync(imagesPath, images);
  return path;
}

type Row = {
  name: string;
  read: () => unknown;
  error: new (...args: never[]) => GanForgeError;
  code: string;
  message: RegExp;
};

const rows: Row[] = [
  {
    name: 'a 66-byte PNG whose header claims 60,000 x 60,000 pixels',
    read: () => readImage(fileWith('huge.png', pngWithHeader(60000, 60000))),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message:
      /huge\.png \(a 60000 x 60000 image\): expected at most 33,554,432 pixels, received 3,600,000,000 pixels\. .*options\.maxPixels or GANFORGE_MAX_IMAGE_PIXELS=N/,
  },
  {
    name: 'a 142-byte JPEG whose SOF0 claims 65,000 x 65,000 pixels',
    read: () => readImage(fileWith('huge.jpg', jpegWithHeader(65000, 65000))),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message: /huge\.jpg \(a 65000 x 65000 image\).*received 4,225,000,000 pixels/,
  },
  {
    name: 'a 34-byte WebP whose VP8L header claims 16,383 x 16,383 pixels',
    read: () => readImage(fileWith('huge.webp', webpWithHeader(16383, 16383))),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message: /huge\.webp \(a 16383 x 16383 image\).*received 268,402,689 pixels/,
  },
  {
    name: 'a 31 KB PNG that really decodes to 16,000 x 16,000 black pixels (decompression bomb)',
    read: () => readImage(fileWith('bomb.png', blackPngBomb(16000, 16000))),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message: /bomb\.png \(a 16000 x 16000 image\).*received 256,000,000 pixels/,
  },
  {
    name: 'a PNG cut in half',
    read: () => readImage(fileWith('half.png', smallPng.subarray(0, smallPng.length >> 1))),
    error: ImageDecodeError,
    code: 'INVALID_FILE',
    message: /half\.png: expected a PNG, JPEG, WebP, GIF, TIFF or AVIF image, received bytes that do not decode/,
  },
  {
    name: 'a zero-byte file',
    read: () => readImage(fileWith('empty.png', new Uint8Array(0))),
    error: ImageDecodeError,
    code: 'INVALID_FILE',
    message: /empty\.png: expected a PNG, JPEG, WebP, GIF, TIFF or AVIF image, received/,
  },
  {
    name: 'a text file named .png',
    read: () => readImage(fileWith('notes.png', 'not an image, just text\n')),
    error: ImageDecodeError,
    code: 'INVALID_FILE',
    message: /notes\.png: expected a PNG, JPEG, WebP, GIF, TIFF or AVIF image, received bytes that do not decode/,
  },
  {
    name: 'an SVG named .png (libvips would render it; GANForge reads photos only)',
    read: () => readImage(fileWith('drawing.png', svg)),
    error: ImageDecodeError,
    code: 'INVALID_FILE',
    message: /drawing\.png: expected a PNG, JPEG, WebP, GIF, TIFF or AVIF image, received a SVG file/,
  },
  {
    name: 'a FIFO named x.png (would wait for a writer forever)',
    read: () => readImage(makeFifo(join(folderWith(), 'x.png'))),
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /x\.png: refused: image file is a FIFO \(named pipe\), which would block a reader, not a regular file\.$/,
  },
  {
    name: 'a folder named x.png',
    read: () => {
      const path = join(folderWith(), 'x.png');
      mkdirSync(path);
      return readImage(path);
    },
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /x\.png: refused: image file is a folder, not a regular file\.$/,
  },
  {
    name: 'a symbolic link named x.png to /dev/zero (endless bytes)',
    read: () => {
      const path = join(folderWith(), 'x.png');
      symlinkSync('/dev/zero', path);
      return readImage(path);
    },
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    // readUserFile (core) follows the link the user chose and names where it leads.
    message: /^\/dev\/zero: refused: image file is a device, not a regular file\.$/,
  },
  {
    name: 'a symbolic link loop named x.png',
    read: () => {
      const base = folderWith();
      symlinkSync(join(base, 'y.png'), join(base, 'x.png'));
      symlinkSync(join(base, 'x.png'), join(base, 'y.png'));
      return readImage(join(base, 'x.png'));
    },
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /x\.png: refused: cannot be resolved \(ELOOP/,
  },
  {
    name: 'a missing file (the CLI names its argument)',
    read: () => readImage(join(folder, 'missing.png'), { argument: '<input>' }),
    error: FileNotFoundError,
    code: 'FILE_NOT_FOUND',
    message: /^<input>: expected an existing image file, received ".*missing\.png", which does not exist\.$/,
  },
  {
    name: 'a file above options.maxFileBytes',
    read: () => readImage(fileWith('big.png', smallPng), { maxFileBytes: 10 }),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message: new RegExp(
      `image file .*big\\.png: expected at most 10 bytes, received ${smallPng.length} bytes\\. .*raise the limit with options\\.maxFileBytes\\.$`,
    ),
  },
  {
    name: 'an image above GANFORGE_MAX_IMAGE_PIXELS',
    read: () => withVariable(maxImagePixelsVariable, '15', () => readImage(fileWith('four.png', smallPng))),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message:
      /four\.png \(a 4 x 4 image\): expected at most 15 pixels, received 16 pixels\. .*GANFORGE_MAX_IMAGE_PIXELS=N/,
  },
  {
    name: 'GANFORGE_MAX_IMAGE_PIXELS that is not a number',
    read: () => withVariable(maxImagePixelsVariable, 'lots', () => readImage(fileWith('four.png', smallPng))),
    error: InvalidArgumentError,
    code: 'INVALID_ARGUMENT',
    message: /^GANFORGE_MAX_IMAGE_PIXELS: expected a positive integer \(decimal digits\), received "lots"\.$/,
  },
  {
    name: 'a huge-header PNG read by a caller that names the limit its own way (a CLI flag)',
    read: () =>
      readImage(fileWith('huge.png', pngWithHeader(60000, 60000)), {
        limitOptionNames: { maxPixels: '--max-image-pixels' },
      }),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message: /raise the limit with --max-image-pixels or GANFORGE_MAX_IMAGE_PIXELS=N\.$/,
  },
  {
    name: 'options.maxPixels 0',
    read: () => decodeImage(smallPng, 'four.png', { maxPixels: 0 }),
    error: InvalidArgumentError,
    code: 'INVALID_ARGUMENT',
    message: /^options\.maxPixels: expected an integer >= 1, received 0\.$/,
  },
  {
    name: 'a data set folder that does not exist',
    read: () => loadImageFolder(join(folder, 'nope'), { size: 8, argument: '--dataset' }),
    error: FileNotFoundError,
    code: 'FILE_NOT_FOUND',
    message:
      /^--dataset: expected an existing folder of PNG, JPEG or WebP images, received ".*nope", which does not exist\.$/,
  },
  {
    name: 'a data set "folder" that is a file',
    read: () => loadImageFolder(fileWith('a.png', smallPng), { size: 8, argument: '--dataset' }),
    error: InvalidArgumentError,
    code: 'INVALID_ARGUMENT',
    message: /^--dataset: expected a folder of PNG, JPEG or WebP images, received ".*a\.png", which is a file/,
  },
  {
    name: 'a data set folder with no images',
    read: () => loadImageFolder(folderWith({ 'notes.txt': 'hello' }), { size: 8 }),
    error: InvalidArgumentError,
    code: 'INVALID_ARGUMENT',
    message:
      /^directory: expected a folder with \.png, \.jpg, \.jpeg or \.webp files, received ".*", which has none\.$/,
  },
  {
    name: 'a data set folder with a FIFO named x.png among good images',
    read: () => {
      const path = folderWith({ 'a.png': smallPng, 'b.png': smallPng });
      makeFifo(join(path, 'x.png'));
      return loadImageFolder(path, { size: 4 });
    },
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /x\.png: refused: image file is a FIFO/,
  },
  {
    name: 'a data set folder with a huge-header PNG among good images',
    read: () => loadImageFolder(folderWith({ 'a.png': smallPng, 'b.png': pngWithHeader(60000, 60000) }), { size: 4 }),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message: /b\.png \(a 60000 x 60000 image\)/,
  },
  {
    name: 'a 16-byte IDX header that claims 1e9 images of 28 x 28',
    read: () => loadMnist({ path: mnistFolder(idxBytes([1e9, 28, 28])) }),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message:
      /train-images-idx3-ubyte: expected 784000000000 values for shape \[1000000000, 28, 28\], received 0 values \(the file is truncated\)\.$/,
  },
  {
    name: 'an IDX file with the wrong magic (a PNG renamed)',
    read: () => loadMnist({ path: mnistFolder(smallPng) }),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message:
      /train-images-idx3-ubyte: expected IDX data \(starting with two zero bytes\), received \d+ bytes that are not IDX/,
  },
  {
    name: 'an IDX file of floats (type 0x0D)',
    read: () => loadMnist({ path: mnistFolder(idxBytes([1, 1, 1], [0, 0, 0, 0], 0x0d)) }),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /train-images-idx3-ubyte: expected IDX of unsigned bytes \(type 0x08\), received type 0xd/,
  },
  {
    name: 'IDX labels that do not match the images in count',
    read: () => loadMnist({ path: mnistFolder(idxBytes([2, 1, 1], [0, 255]), idxBytes([3], [0, 1, 2])) }),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /train-labels-idx1-ubyte: expected IDX labels of shape \[2\], received shape \[3\]/,
  },
  {
    name: 'a gzipped IDX file that inflates above options.maxFileBytes (gzip bomb)',
    read: () => {
      const path = mnistFolder(() => undefined);
      writeFileSync(
        join(path, 'train-images-idx3-ubyte.gz'),
        gzipSync(idxBytes([1, 2048, 1024], new Uint8Array(2 ** 21))),
      );
      return loadMnist({ path, maxFileBytes: 2 ** 20 });
    },
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message: /train-images-idx3-ubyte\.gz once gunzipped .*expected at most 1,048,576 bytes.*options\.maxFileBytes\.$/,
  },
  {
    name: 'a .gz IDX file that is not gzip',
    read: () => {
      const path = mnistFolder(() => undefined);
      writeFileSync(join(path, 'train-images-idx3-ubyte.gz'), 'plain text');
      return loadMnist({ path });
    },
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /train-images-idx3-ubyte\.gz: expected a gzip file, received bytes gunzip cannot read/,
  },
  {
    name: 'an IDX file above options.maxFileBytes',
    read: () => loadMnist({ path: mnistFolder(idxBytes([1, 28, 28], new Uint8Array(784))), maxFileBytes: 100 }),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message:
      /IDX file .*train-images-idx3-ubyte: expected at most 100 bytes, received 800 bytes.*options\.maxFileBytes\.$/,
  },
  {
    name: 'an IDX file that is a FIFO',
    read: () => loadMnist({ path: mnistFolder((path) => makeFifo(path)) }),
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message:
      /train-images-idx3-ubyte: refused: IDX file is a FIFO \(named pipe\), which would block a reader, not a regular file\.$/,
  },
  {
    name: 'an IDX "file" that is a folder',
    read: () => loadMnist({ path: mnistFolder((path) => mkdirSync(path)) }),
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /train-images-idx3-ubyte: refused: IDX file is a folder, not a regular file\.$/,
  },
  {
    name: 'IDX bytes (API) whose header claims 1e9 labels',
    read: () => parseIdx(idxBytes([1e9]), 'labelBytes'),
    error: InvalidArgumentError,
    code: 'INVALID_ARGUMENT',
    message:
      /^labelBytes: expected 1000000000 values for shape \[1000000000\], received 0 values \(the file is truncated\)\.$/,
  },
];

describe('hostile and mistaken files', () => {
  it('builds PNG chunks with the standard CRC-32 (check value of "123456789" is 0xCBF43926)', () => {
    // The check value is the one every CRC-32 catalogue lists (e.g. zlib, PNG spec annex D's algorithm).
    expect(crc32(Buffer.from('123456789', 'latin1'))).toBe(0xcbf43926);
  });

  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    let caught: unknown;
    try {
      await row.read();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(row.error);
    const error = caught as GanForgeError;
    expect(error).toBeInstanceOf(GanForgeError);
    expect(error.code).toBe(row.code);
    expect(error.message).toMatch(row.message);
    // One line, no stack trace or raw library error text in the message a CLI prints.
    expect(error.message).not.toMatch(/\n|\s+at \S+ \(|node:internal/);
  });

  it('refuses a 31 KB PNG bomb of 256 megapixels from its header, without decoding it', async () => {
    const bomb = fileWith('bomb.png', blackPngBomb(16000, 16000));
    const before = process.resourceUsage().maxRSS; // kilobytes, the peak so far
    const arrayBuffersBefore = process.memoryUsage().arrayBuffers;
    await expect(readImage(bomb)).rejects.toThrow(SizeLimitError);
    // Decoding it would need 1 GB for sharp's RGBA and 4 GB for the int32 tensor; reading its header
    // needs the 31 KB file. 64 MB leaves room for the allocator's noise, far below either.
    expect(process.resourceUsage().maxRSS - before).toBeLessThan(64 * 1024);
    expect(process.memoryUsage().arrayBuffers - arrayBuffersBefore).toBeLessThan(64 * 2 ** 20);
  });

  it('reads an image at exactly the pixel limit, and one above the default when the option raises it', async () => {
    const four = fileWith('four.png', smallPng);
    (await readImage(four, { maxPixels: 16 })).dispose();
    await expect(readImage(four, { maxPixels: 15 })).rejects.toThrow(/options\.maxPixels\.$/);
    // 16,000 x 9,000 = 144 megapixels, above the default; allowed with maxPixels, checked by the header
    // only (the tiny image data then fails to decode, as it should).
    const large = fileWith('large.png', pngWithHeader(16000, 9000));
    await expect(readImage(large)).rejects.toThrow(SizeLimitError);
    await expect(readImage(large, { maxPixels: 16000 * 9000 })).rejects.toThrow(ImageDecodeError);
  });

  it('follows symbolic links to regular files (data sets often link into a shared pool)', async () => {
    const pool = fileWith('real.png', smallPng);
    const dataset = folderWith();
    symlinkSync(pool, join(dataset, 'linked.png'));
    const { images, paths } = await loadImageFolder(dataset, { size: 4 });
    expect(images.shape).toEqual([1, 4, 4, 3]);
    expect(paths).toEqual([join(dataset, 'linked.png')]);
    images.dispose();
  });
});
