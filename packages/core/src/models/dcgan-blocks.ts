import * as tf from '@tensorflow/tfjs';

import { tfjsSeed } from '../seeds.js';

// Radford et al. 2016, sec. 4: "All weights were initialized from a zero-centered Normal
// distribution with standard deviation 0.02"; LeakyReLU slope 0.2; BN in both nets except G's
// output and D's input layer. BN momentum 0.9 matches PyTorch's default (0.1 in its convention).
const weightStddev = 0.02;
/** DCGAN's LeakyReLU slope (Radford et al. 2016, sec. 4). */
export const dcganLeakySlope = 0.2;
const batchNormMomentum = 0.9;
const batchNormEpsilon = 1e-5;

/**
 * DCGAN's N(0, 0.02) weight initialisers, each with its own seed, counted up from `firstSeed`: a model
 * built twice from the same first seed gets the same weights. A seed of 0 goes through
 * {@link tfjsSeed} (tfjs reads an initializer seed of 0 as no seed).
 */
export class DcganInitializers {
  #next: number;

  constructor(firstSeed: number) {
    this.#next = firstSeed;
  }

  /** The next initialiser: N(mean, 0.02). */
  normal(mean = 0): ReturnType<typeof tf.initializers.randomNormal> {
    return tf.initializers.randomNormal({ mean, stddev: weightStddev, seed: tfjsSeed(this.#next++) });
  }
}

/** Batch normalisation with DCGAN's settings: momentum 0.9, epsilon 1e-5, gamma from N(1, 0.02). */
export function dcganBatchNorm(init: DcganInitializers, name: string) {
  return tf.layers.batchNormalization({
    momentum: batchNormMomentum,
    epsilon: batchNormEpsilon,
    gammaInitializer: init.normal(1),
    name,
  });
}

export interface DcganUpsamplingOptions {
  /** Side of the first feature map after the projection (4 for 32 and 64 px, 7 for 28 px). */
  readonly start: number;
  /** Stride-2 transposed convolutions, the last one to the image: the image side is start * 2^stages. */
  readonly stages: number;
  /** Filters of the last hidden layer; each stage towards the projection doubles them. */
  readonly filters: number;
  /** Image channels. */
  readonly channels: number;
}

/**
 * The DCGAN generator body (Radford et al. 2016, fig. 1) on a vector input: project and reshape to
 * start x start, stride-2 transposed convolutions with BN and ReLU, a tanh output in [-1, 1].
 */
export function dcganUpsampling(
  input: tf.SymbolicTensor,
  options: DcganUpsamplingOptions,
  init: DcganInitializers,
): tf.SymbolicTensor {
  const { start, stages, filters, channels } = options;
  const widest = filters * 2 ** (stages - 1);
  let x = tf.layers
    .dense({ units: start * start * widest, useBias: false, kernelInitializer: init.normal(), name: 'project' })
    .apply(input) as tf.SymbolicTensor;
  x = dcganBatchNorm(init, 'project_bn').apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [start, start, widest] }).apply(x) as tf.SymbolicTensor;
  for (let stage = 0; stage < stages - 1; stage++) {
    x = tf.layers
      .conv2dTranspose({
        filters: filters * 2 ** (stages - 2 - stage),
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        useBias: false,
        kernelInitializer: init.normal(),
        name: `up${stage + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
    x = dcganBatchNorm(init, `up${stage + 1}_bn`).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  }
  return tf.layers
    .conv2dTranspose({
      filters: channels,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      kernelInitializer: init.normal(),
      name: 'to_image',
    })
    .apply(x) as tf.SymbolicTensor;
}

/**
 * The DCGAN discriminator body (Radford et al. 2016): `stages` stride-2 4x4 convolutions with
 * LeakyReLU(0.2), filters doubling from `filters`, BN on all but the first (the input layer).
 */
export function dcganDownsampling(
  input: tf.SymbolicTensor,
  options: { readonly stages: number; readonly filters: number },
  init: DcganInitializers,
): tf.SymbolicTensor {
  let x = input;
  for (let stage = 0; stage < options.stages; stage++) {
    x = tf.layers
      .conv2d({
        filters: options.filters * 2 ** stage,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        useBias: stage === 0,
        kernelInitializer: init.normal(),
        name: `down${stage + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
    if (stage > 0) x = dcganBatchNorm(init, `down${stage + 1}_bn`).apply(x) as tf.SymbolicTensor;
    x = tf.layers.leakyReLU({ alpha: dcganLeakySlope }).apply(x) as tf.SymbolicTensor;
  }
  return x;
}
