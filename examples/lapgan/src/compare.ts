// LAPGAN vs a single-scale DCGAN at equal training compute on Fashion-MNIST, scored by the Parzen-window
// log-likelihood of the test set (Denton et al. 2015, table 1; the protocol of Goodfellow et al. 2014).
// Compute is CPU time of this process (the WASM backend runs one thread), not wall time, so that other
// jobs on a shared machine do not tilt the comparison; both are reported.
// Run: pnpm --filter @ganforge/example-lapgan compare [--minutes 6] [--seed 1] [--out runs/lapgan-compare]
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { useBackend } from '@ganforge/backend-node';
import { AdversarialTrainer, dcgan, TensorDataset } from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import { loadMnist, saveImageGrid } from '@ganforge/data/node';
import { levelProgression } from '@ganforge/laplacian';
import { parzenLogLikelihood } from '@ganforge/metrics';
import * as tf from '@tensorflow/tfjs';

import { adam, fashionLapGan } from './fashion-lapgan.js';

const { values: args } = parseArgs({
  // `pnpm ... compare -- --seed 2` passes the `--` on; drop it.
  args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--')),
  options: {
    minutes: { type: 'string', default: '6' },
    out: { type: 'string', default: 'runs/lapgan-compare' },
    samples: { type: 'string', default: '10000' },
    validation: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
  },
});
const budgetMs = Number(args.minutes) * 60_000;
const sampleCount = Number(args.samples);
const validationCount = Number(args.validation);
const out = args.out!;
// Seed of both models' initialisers, noise and data order (the sampling noise stays fixed).
const seed = Number(args.seed);
const batchSize = 32;
// Share of the LAPGAN's time per level (finest first): the 28x28 level costs ~4x a step of the others.
const levelShares = [0.5, 0.25, 0.25];

const backend = await useBackend();
await mkdir(out, { recursive: true });
const train = loadMnist({ variant: 'fashion-mnist', split: 'train' });
const test = loadMnist({ variant: 'fashion-mnist', split: 'test' });
// The last `validationCount` training images choose the Parzen sigma and are not trained on.
const trainCount = train.images.shape[0] - validationCount;
const trainImages = train.images.slice(0, trainCount);
const validation = tf.tidy(() => toUnit(train.images.slice(trainCount)));
const testImages = tf.tidy(() => toUnit(test.images));
tf.dispose([train.images]);

/** [-1, 1] -> [0, 1], flattened: the scale the Parzen papers use. */
function toUnit(images: tf.Tensor): tf.Tensor2D {
  return images.add(1).div(2).reshape([images.shape[0]!, -1]) as tf.Tensor2D;
}

/** Generates `count` images in chunks (bounded memory), clipped to [-1, 1]. */
function generateInChunks(generate: (count: number, noiseSeed: number) => tf.Tensor, count: number): tf.Tensor {
  const chunks: tf.Tensor[] = [];
  for (let start = 0, chunk = 0; start < count; start += 500, chunk++) {
    chunks.push(tf.tidy(() => tf.clipByValue(generate(Math.min(500, count - start), 1000 + chunk), -1, 1)));
  }
  const all = tf.concat(chunks);
  tf.dispose(chunks);
  return all;
}

async function parzen(samples: tf.Tensor, label: string) {
  const started = performance.now();
  const unit = tf.tidy(() => toUnit(samples));
  const result = await parzenLogLikelihood(unit, testImages, { validation });
  unit.dispose();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label}: Parzen ${result.mean.toFixed(1)} ± ${result.stdErr.toFixed(1)} nats (sigma ${result.sigma.toFixed(3)}, ${seconds.toFixed(0)} s)`,
  );
  return { mean: result.mean, stdErr: result.stdErr, sigma: result.sigma, seconds };
}

const parameters = (model: tf.LayersModel) => model.countParams();

/** Stops a fit once this process has used `milliseconds` of CPU time; pass `signal` and `onStep` to fit(). */
function cpuTimeBudget(milliseconds: number) {
  const start = process.cpuUsage();
  const controller = new AbortController();
  const used = () => {
    const { user, system } = process.cpuUsage(start);
    return (user + system) / 1000;
  };
  return {
    signal: controller.signal,
    onStep: () => {
      if (used() >= milliseconds) controller.abort();
    },
    usedSeconds: () => used() / 1000,
  };
}

const phase = (() => {
  let last = performance.now();
  return (name: string) => {
    const now = performance.now();
    console.log(`[${((now - last) / 1000).toFixed(0)} s] ${name}`);
    last = now;
  };
})();
phase('data loaded');

// --- LAPGAN: each level on its own, on the real pyramid, for its share of the budget.
const lapgan = fashionLapGan({ seed });
const lapganStore = new FileCheckpointStore(join(out, 'lapgan'));
const lapganLevels: {
  level: number;
  size: string;
  steps: number;
  cpuSeconds: number;
  seconds: number;
  generatorParameters: number;
  discriminatorParameters: number;
}[] = [];
for (let level = lapgan.levelCount - 1; level >= 0; level--) {
  const data = lapgan.levelDataset(level, trainImages as tf.Tensor4D);
  phase(`LAPGAN level ${level} data`);
  const budget = cpuTimeBudget(budgetMs * levelShares[level]!);
  const summary = await lapgan.fitLevel(level, data, {
    batchSize,
    signal: budget.signal,
    onStep: budget.onStep,
    checkpoints: { store: lapganStore },
  });
  data.dispose();
  const trainer = lapgan.trainer(level);
  lapganLevels.push({
    level,
    size: lapgan.sizes[level]!.join('x'),
    steps: summary.stepsRun,
    cpuSeconds: budget.usedSeconds(),
    seconds: summary.durationMs / 1000,
    generatorParameters: parameters(trainer.generator),
    discriminatorParameters: parameters(trainer.discriminator),
  });
  phase(`LAPGAN level ${level}: ${summary.stepsRun} steps, ${budget.usedSeconds().toFixed(0)} CPU s`);
}
const lapganSamples = generateInChunks((count, noiseSeed) => lapgan.sample({ count, seed: noiseSeed }), sampleCount);
phase('LAPGAN samples');
const lapganScore = await parzen(lapganSamples, 'LAPGAN');
const { levels } = lapgan.sample({ count: 16, seed: 7, returnLevels: true });
// One row per level (7x7, 14x14, 28x28 from the top), each level scaled up with nearest-neighbour.
await saveImageGrid(levelProgression(levels, { arrangement: 'level-per-row' }), join(out, 'lapgan-levels.png'), {
  columns: 16,
});
await saveImageGrid(lapganSamples.slice(0, 64), join(out, 'lapgan-samples.png'));
tf.dispose([lapganSamples, ...levels]);

// --- Single-scale DCGAN of about the same generator size, for the same total time.
const { generator, discriminator } = dcgan({ size: 28, latentDim: 100, filters: 32, seed });
const baseline = new AdversarialTrainer({
  generator,
  discriminator,
  noise: { dim: 100 },
  generatorOptimizer: adam,
  discriminatorOptimizer: adam,
  ema: { decay: 0.999 },
  seed,
});
const baselineData = new TensorDataset({ real: trainImages });
phase('DCGAN data');
const baselineBudget = cpuTimeBudget(budgetMs);
const baselineSummary = await baseline.fit(baselineData, {
  batchSize,
  signal: baselineBudget.signal,
  onStep: baselineBudget.onStep,
  checkpoints: { store: new FileCheckpointStore(join(out, 'dcgan')) },
});
const baselineCpuSeconds = baselineBudget.usedSeconds();
baselineData.dispose();
phase(`DCGAN: ${baselineSummary.stepsRun} steps, ${baselineCpuSeconds.toFixed(0)} CPU s`);
const baselineSamples = generateInChunks(
  (count, noiseSeed) => baseline.generate({ count, seed: noiseSeed }),
  sampleCount,
);
const baselineScore = await parzen(baselineSamples, 'DCGAN');
await saveImageGrid(baselineSamples.slice(0, 64), join(out, 'dcgan-samples.png'));
baselineSamples.dispose();

// --- Reference: real training images in place of samples (what a perfect copy of the data would score).
const reference = tf.tidy(() => trainImages.slice(0, sampleCount));
const referenceScore = await parzen(reference, 'real training images');
reference.dispose();

const results = {
  date: new Date().toISOString(),
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, backend ${backend.name} (${backend.device})`,
  seed,
  cpuMinutesPerModel: Number(args.minutes),
  lapganLevelShares: levelShares,
  batchSize,
  trainImages: trainCount,
  validationImages: validationCount,
  testImages: testImages.shape[0],
  samples: sampleCount,
  lapgan: { levels: lapganLevels, parzen: lapganScore },
  dcgan: {
    steps: baselineSummary.stepsRun,
    cpuSeconds: baselineCpuSeconds,
    seconds: baselineSummary.durationMs / 1000,
    generatorParameters: parameters(generator),
    discriminatorParameters: parameters(discriminator),
    parzen: baselineScore,
  },
  realTrainingImages: { parzen: referenceScore },
};
await writeFile(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${join(out, 'results.json')}`);
