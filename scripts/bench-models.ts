import * as tf from '@tensorflow/tfjs';

import { dcgan } from '@ganforge/core';

/** A benchmark model: what `pnpm bench` times, in tfjs and (by name) in scripts/bench_pytorch.py. */
export interface BenchModel {
  readonly name: string;
  readonly batchSize: number;
  readonly latentDim: number;
  build(): { generator: tf.LayersModel; discriminator: tf.LayersModel };
  /** Real data: `count` samples shaped like the generator's output. */
  data(count: number): tf.Tensor;
}

/** DCGAN-28 (MNIST size) and DCGAN-64 with the paper's widths (filters 64), batch 64, latent 100. */
export const benchModels: readonly BenchModel[] = [
  {
    name: 'dcgan28',
    batchSize: 64,
    latentDim: 100,
    build: () => dcgan({ size: 28, channels: 1, latentDim: 100, filters: 64, seed: 1 }),
    data: (count) => tf.randomUniform([count, 28, 28, 1], -1, 1, 'float32', 2),
  },
  {
    name: 'dcgan64',
    batchSize: 64,
    latentDim: 100,
    build: () => dcgan({ size: 64, channels: 3, latentDim: 100, filters: 64, seed: 1 }),
    data: (count) => tf.randomUniform([count, 64, 64, 3], -1, 1, 'float32', 2),
  },
];
