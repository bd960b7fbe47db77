import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { CaptionedImageDataset } from './captioned-image-dataset.js';

// Picture p is filled with the value p; caption c's embedding is [c, picture of c]; pictures 0-5 are
// in classes [0, 0, 1, 1, 2, 2]; picture p has captions 2p and 2p + 1.
const images = () => tf.tensor4d(Array.from({ length: 6 }, (_, p) => Array(4).fill(p)).flat(), [6, 2, 2, 1]);
const embeddings = () => tf.tensor2d(Array.from({ length: 12 }, (_, c) => [c, Math.floor(c / 2)]));
const imageOfCaption = Array.from({ length: 12 }, (_, c) => Math.floor(c / 2));
const classes = [0, 0, 1, 1, 2, 2];

async function collect(data: CaptionedImageDataset, batchSize: number, seed: number) {
  const batches: { real: number[]; condition: number[][]; wrong: number[][] }[] = [];
  for await (const batch of data.batches(batchSize, { seed })) {
    batches.push({
      real: (tf.tidy(() => batch.real.mean([1, 2, 3]).arraySync()) as number[]).map(Math.round),
      condition: batch.condition!.arraySync() as number[][],
      wrong: batch.mismatchedCondition!.arraySync() as number[][],
    });
    tf.dispose([batch.real, batch.condition!, batch.mismatchedCondition!]);
  }
  return batches;
}

describe('CaptionedImageDataset', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("pairs each picture with one of its own captions and a caption of another class's picture", async () => {
    const [i, e] = [images(), embeddings()];
    const data = new CaptionedImageDataset({ images: i, embeddings: e, imageOfCaption, classes });
    tf.dispose([i, e]);
    const before = tf.memory().numTensors;
    for (const seed of [1, 2, 3]) {
      const batches = await collect(data, 4, seed);
      expect(batches).toHaveLength(1); // 6 pictures, batches of 4, the short remainder dropped
      const { real, condition, wrong } = batches[0]!;
      expect(new Set(real).size).toBe(4);
      real.forEach((picture, row) => {
        expect(condition[row]![1]).toBe(picture);
        expect(imageOfCaption[condition[row]![0]!]).toBe(picture);
        expect(classes[wrong[row]![1]!]).not.toBe(classes[picture]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });

  it('is deterministic for a seed and draws other captions for another seed', async () => {
    const [i, e] = [images(), embeddings()];
    const data = new CaptionedImageDataset({ images: i, embeddings: e, imageOfCaption, classes });
    const runs = await Promise.all([collect(data, 2, 5), collect(data, 2, 5)]);
    expect(runs[0]).toEqual(runs[1]);
    const seeds = await Promise.all(Array.from({ length: 6 }, (_, seed) => collect(data, 2, seed + 10)));
    expect(new Set(seeds.map((run) => JSON.stringify(run))).size).toBeGreaterThan(1);
    data.dispose();
    tf.dispose([i, e]);
  });

  it('defaults to one caption per picture and one class per picture', async () => {
    const [i, e] = [images(), tf.tensor2d([[0], [1], [2], [3], [4], [5]])];
    const data = new CaptionedImageDataset({ images: i, embeddings: e });
    const [batch] = await collect(data, 6, 0);
    batch!.real.forEach((picture, row) => {
      expect(batch!.condition[row]).toEqual([picture]);
      expect(batch!.wrong[row]).not.toEqual([picture]);
    });
    data.dispose();
    tf.dispose([i, e]);
  });

  it('names what is wrong with its arguments', () => {
    const [i, e] = [images(), embeddings()];
    expect(() => new CaptionedImageDataset({ images: i, embeddings: e, imageOfCaption: [0, 1] })).toThrow(
      /options.imageOfCaption: expected 12 entries \(one per row of options.embeddings\), received 2 entries/,
    );
    expect(
      () => new CaptionedImageDataset({ images: i, embeddings: e, imageOfCaption: imageOfCaption.map(() => 0) }),
    ).toThrow(
      /options.imageOfCaption: expected at least one caption for every picture, received no caption for picture 1/,
    );
    expect(
      () => new CaptionedImageDataset({ images: i, embeddings: e, imageOfCaption, classes: [1, 1, 1, 1, 1, 1] }),
    ).toThrow(/options.classes: expected at least two distinct classes/);
    expect(() => new CaptionedImageDataset({ images: e as never, embeddings: e })).toThrow(
      /options.images: expected shape \[N, height, width, channels\], received \[12, 2\]/,
    );
    tf.dispose([i, e]);
  });
});
