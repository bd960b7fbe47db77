import * as tf from '@tensorflow/tfjs';

import { dcgan } from '@ganforge/core';
import { srganDiscriminator, srresnet } from '@ganforge/srgan';

/**
 * A benchmark model: what `pnpm bench` times, in tfjs and (by the same name) in
 * scripts/bench_pytorch.py. A generator takes noise (`noiseDim`) or an image (`data().input`).
 */
export interface BenchModel {
  readonly name: string;
  readonly batchSize: number;
  /** Size of the noise vector; absent when the generator's input is `data().input`. */
  readonly noiseDim?: number;
  /** Weight of the adversarial term in G's loss (SRGAN: 1e-3 beside a pixel MSE content term of weight 1). */
  readonly adversarialWeight: number;
  build(): { generator: tf.LayersModel; discriminator: tf.LayersModel };
  /** `count` training examples. */
  data(count: number): { real: tf.Tensor; input?: tf.Tensor };
  /**
   * Timed steps and warm-up steps of `pnpm bench` unless --steps / --warmup say otherwise: fewer for
   * the slow models, so that a default run on a 2-core machine ends in about 10 minutes.
   */
  readonly defaultSteps: number;
  readonly defaultWarmup: number;
}

export const benchModels: readonly BenchModel[] = [
  {
    // What `ganforge demo` trains (packages/cli/src/demo-run.ts): DCGAN-28 at half the paper's widths
    // (filters 32), latent 64, batch 32.
    name: 'dcgan28-demo',
    batchSize: 32,
    noiseDim: 64,
    adversarialWeight: 1,
    build: () => dcgan({ size: 28, channels: 1, latentDim: 64, filters: 32, seed: 1 }),
    data: (count) => ({ real: tf.randomUniform([count, 28, 28, 1], -1, 1, 'float32', 2) }),
    defaultSteps: 20,
    defaultWarmup: 3,
  },
  {
    // DCGAN-28 (MNIST size) with the paper's widths (filters 64), batch 64, latent 100.
    name: 'dcgan28',
    batchSize: 64,
    noiseDim: 100,
    adversarialWeight: 1,
    build: () => dcgan({ size: 28, channels: 1, latentDim: 100, filters: 64, seed: 1 }),
    data: (count) => ({ real: tf.randomUniform([count, 28, 28, 1], -1, 1, 'float32', 2) }),
    defaultSteps: 20,
    defaultWarmup: 3,
  },
  {
    name: 'dcgan64',
    batchSize: 64,
    noiseDim: 100,
    adversarialWeight: 1,
    build: () => dcgan({ size: 64, channels: 3, latentDim: 100, filters: 64, seed: 1 }),
    data: (count) => ({ real: tf.randomUniform([count, 64, 64, 3], -1, 1, 'float32', 2) }),
    // ~8 s per step on one thread of a 2-core AMD EPYC (2026-11-29, before issue 13's kernels), 4.7 s on
    // two threads at 37e14f0.
    defaultSteps: 8,
    defaultWarmup: 2,
  },
  {
    // SRGAN (Ledig et al. 2016): SRResNet with 16 blocks, x4 from 24x24 to 96x96 crops, batch 16,
    // its 8-conv discriminator; G loss = pixel MSE + 1e-3 adversarial.
    name: 'srresnet16',
    batchSize: 16,
    adversarialWeight: 1e-3,
    build: () => ({
      generator: srresnet({ blocks: 16, scale: 4, filters: 64, seed: 1 }),
      discriminator: srganDiscriminator({ size: 96, seed: 1 }),
    }),
    data: (count) => ({
      real: tf.randomUniform([count, 96, 96, 3], -1, 1, 'float32', 2),
      input: tf.randomUniform([count, 24, 24, 3], -1, 1, 'float32', 3),
    }),
    // ~40 s per step on one thread of a 2-core AMD EPYC (2026-11-29, before issue 13's kernels), 18 s
    // on two threads at 37e14f0: five timed steps give a median and a range.
    defaultSteps: 5,
    defaultWarmup: 1,
  },
];
