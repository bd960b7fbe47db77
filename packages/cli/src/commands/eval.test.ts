import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { useBackend } from '@ganforge/backend-node';
import { AdversarialTrainer, dcgan } from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import { loadMnist } from '@ganforge/data/node';
import { loadMnistClassifier } from '@ganforge/metrics/node';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { DcganRunOptions } from '../dcgan-run.js';
import { ganforgeProgram } from '../program.js';

const work = mkdtempSync(join(tmpdir(), 'ganforge-eval-'));
const run: DcganRunOptions = {
  dataset: 'mnist',
  size: 28,
  channels: 1,
  latentDim: 8,
  filters: 4,
  conditional: false,
  loss: 'non-saturating',
  learningRate: 2e-4,
  batchSize: 8,
  seed: 0,
};

/** A checkpoint whose generator has all weights zero: every sample is tanh(0) = 0, pixel 0.5 in [0, 1]. */
async function constantGeneratorCheckpoint(folder: string, dataset: string): Promise<void> {
  const { generator, discriminator } = dcgan({ size: 28, latentDim: 8, filters: 4 });
  for (const weight of generator.weights) weight.write(tf.zerosLike(weight.read()));
  const trainer = new AdversarialTrainer({ generator, discriminator, noise: { dim: 8 } });
  await new FileCheckpointStore(folder).save('latest', await trainer.checkpoint({ run: { ...run, dataset } }));
  trainer.dispose();
}

/** Runs `ganforge eval ...` in this process and returns the JSON it printed; checks that no tensor is left behind. */
async function evaluate(...args: string[]): Promise<Record<string, unknown>> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const tensors = tf.memory().numTensors;
  try {
    await ganforgeProgram('0.0.0').parseAsync(['node', 'ganforge', 'eval', ...args, '--backend', 'cpu', '--quiet']);
    expect(tf.memory().numTensors).toBe(tensors);
    return JSON.parse(log.mock.calls.map((call) => String(call[0])).join('\n')) as Record<string, unknown>;
  } finally {
    log.mockRestore();
  }
}

const checkpoint = join(work, 'constant');
beforeAll(async () => {
  // Importing the CLI registers the WASM backend; these tests run on cpu, as the commands do with --backend cpu.
  await useBackend({ backend: 'cpu', log: false });
  await constantGeneratorCheckpoint(checkpoint, 'mnist');
  await constantGeneratorCheckpoint(join(work, 'folder-run'), 'photos/');
});
afterAll(() => tf.disposeVariables());

describe('ganforge eval (checkpoints)', () => {
  it('parzen: test pixels scaled to [0, 1], the closed form for identical samples at 0.5', async () => {
    const out = join(work, 'parzen.json');
    const sigma = 0.3;
    const result = await evaluate(
      'parzen',
      '--checkpoint',
      checkpoint,
      '--samples',
      '20',
      '--test',
      '40',
      '--sigma',
      String(sigma),
      '--out',
      out,
    );
    // Every sample is the image 0.5 everywhere, so log p(x) = -|x - 0.5|^2 / (2 s^2) - D log(s sqrt(2 pi)).
    const test = loadMnist({ split: 'test', limit: 40 });
    const pixels = await test.images.data();
    test.images.dispose();
    const perImage = Array.from({ length: 40 }, (_, n) => {
      let squared = 0;
      for (let p = 0; p < 784; p++) squared += ((pixels[n * 784 + p]! + 1) / 2 - 0.5) ** 2;
      return -squared / (2 * sigma * sigma) - 784 * Math.log(sigma * Math.sqrt(2 * Math.PI));
    });
    const expected = perImage.reduce((sum, value) => sum + value, 0) / 40;
    expect(result['metric']).toBe('parzen-log-likelihood');
    expect(result['mean'] as number).toBeCloseTo(expected, 1);
    expect(result['sigma']).toBe(sigma);
    expect(result['protocol']).toMatchObject({ samples: 20, test: 'mnist test[0:40]', pixelRange: [0, 1] });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(result);
  });

  it('parzen: sigma chosen on train[50000:] from the default grid', async () => {
    const result = await evaluate(
      'parzen',
      '--checkpoint',
      checkpoint,
      '--samples',
      '10',
      '--validation',
      '10',
      '--test',
      '10',
    );
    const validation = result['validation'] as { sigma: number; mean: number }[];
    expect(validation).toHaveLength(10);
    const best = validation.reduce((a, b) => (b.mean > a.mean ? b : a));
    expect(result['sigma']).toBe(best.sigma);
    expect(result['protocol']).toMatchObject({ validation: 'mnist train[50000:50010]' });
  });

  it('fid: with identical samples, |mu_test - f|^2 + tr(Sigma_test) from the classifier features', async () => {
    const result = await evaluate('fid', '--checkpoint', checkpoint, '--samples', '8', '--reference-count', '50');
    // Independent of @ganforge/metrics' FID code: the samples' covariance is 0, so no square root is involved.
    const classifier = await loadMnistClassifier();
    const features = tf.model({
      inputs: classifier.inputs,
      outputs: classifier.getLayer('features').output as tf.SymbolicTensor,
    });
    const test = loadMnist({ split: 'test', limit: 50 });
    const real = (await (features.predict(test.images) as tf.Tensor).array()) as number[][];
    const constant = ((await (features.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor).array()) as number[][])[0]!;
    const mean = constant.map((_, j) => real.reduce((sum, row) => sum + row[j]!, 0) / real.length);
    const trace = constant.reduce(
      (sum, _, j) => sum + real.reduce((s, row) => s + (row[j]! - mean[j]!) ** 2, 0) / (real.length - 1),
      0,
    );
    const meanTerm = mean.reduce((sum, value, j) => sum + (value - constant[j]!) ** 2, 0);
    expect(result['metric']).toBe('fid');
    expect(result['distance'] as number).toBeCloseTo(meanTerm + trace, 2);
    expect(result['meanTerm'] as number).toBeCloseTo(meanTerm, 2);
    expect(result).toMatchObject({ samples: 8, reference: 'mnist test[0:50]', layer: 'features' });
    test.images.dispose();
    classifier.dispose();
  });

  it('is: identical samples have an Inception Score of exactly 1; kid runs on the same features', async () => {
    const score = await evaluate('is', '--checkpoint', checkpoint, '--samples', '20', '--splits', '2');
    expect(score['metric']).toBe('inception-score');
    expect(score['mean'] as number).toBeCloseTo(1, 6);
    const kid = await evaluate(
      'kid',
      '--checkpoint',
      checkpoint,
      '--samples',
      '12',
      '--reference-count',
      '30',
      '--subsets',
      '3',
      '--subset-size',
      '6',
    );
    expect(kid).toMatchObject({ metric: 'kid', subsets: 3, subsetSize: 6 });
    expect(kid['mean'] as number).toBeGreaterThan(0);
  });

  it('explains what is wrong', async () => {
    await expect(evaluate('parzen', '--checkpoint', join(work, 'missing'))).rejects.toThrow(
      /^--checkpoint: expected a run folder written by `ganforge train dcgan` or `ganforge demo`, received ".*missing", which does not exist\.$/,
    );
    await expect(evaluate('fid', '--checkpoint', join(work, 'folder-run'), '--samples', '4')).rejects.toThrow(
      /^--dataset: expected 'mnist' or 'fashion-mnist' \(the data sets with a reference classifier and test split\), received "photos\/"/,
    );
  });
});

function writeConstantPng(path: string, value: number, width = 16, height = 16): void {
  const png = new PNG({ width, height });
  png.data.fill(value);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  writeFileSync(path, PNG.sync.write(png));
}

describe('ganforge eval psnr / ssim (image folders)', () => {
  const sr = join(work, 'sr');
  const hr = join(work, 'hr');
  beforeAll(() => {
    mkdirSync(sr);
    mkdirSync(hr);
    writeConstantPng(join(sr, 'a.png'), 10);
    writeConstantPng(join(hr, 'a.png'), 15);
    writeConstantPng(join(sr, 'b.png'), 100);
    writeConstantPng(join(hr, 'b.png'), 120);
  });

  it('psnr per file, RGB planes: 20 log10(255 / d) for a constant difference d', async () => {
    const result = await evaluate('psnr', '--sr', sr, '--hr', hr, '--channel', 'rgb', '--crop-border', '2');
    expect(result['images']).toEqual([
      { file: 'a.png', value: expect.closeTo(20 * Math.log10(255 / 5), 8) },
      { file: 'b.png', value: expect.closeTo(20 * Math.log10(255 / 20), 8) },
    ]);
    expect(result['convention']).toEqual({ channel: 'rgb', cropBorder: 2, dataRange: 255, quantized: true });
  });

  it('ssim of constant images on Y: (2ab + C1) / (a^2 + b^2 + C1) with a, b the Y values', async () => {
    const result = await evaluate('ssim', '--sr', sr, '--hr', hr);
    const y = (v: number) => 16 + ((65.481 + 128.553 + 24.966) * v) / 255;
    const c1 = (0.01 * 255) ** 2;
    const expected = (a: number, b: number) => (2 * y(a) * y(b) + c1) / (y(a) ** 2 + y(b) ** 2 + c1);
    const images = result['images'] as { value: number }[];
    expect(images[0]!.value).toBeCloseTo(expected(10, 15), 10);
    expect(images[1]!.value).toBeCloseTo(expected(100, 120), 10);
    expect(result['mean'] as number).toBeCloseTo((expected(10, 15) + expected(100, 120)) / 2, 10);
  });

  it('names the missing ground-truth files', async () => {
    const lonely = join(work, 'lonely');
    mkdirSync(lonely);
    writeConstantPng(join(lonely, 'zebra.png'), 1);
    await expect(evaluate('psnr', '--sr', lonely, '--hr', hr)).rejects.toThrow(
      /^--hr: expected an image for every file of --sr \(same names\), received ".*"\. Missing: zebra.png\./,
    );
  });
});
