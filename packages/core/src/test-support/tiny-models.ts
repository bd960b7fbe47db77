import * as tf from '@tensorflow/tfjs';

import type { BatchOptions, Dataset, TrainingBatch } from '../dataset.js';

/** Dense networks small enough that a test trains dozens of steps in milliseconds on the cpu backend. */
export function tinyGenerator(
  options: { noiseDim?: number; conditionDim?: number; inputDim?: number; outputDim?: number; seed?: number } = {},
) {
  const seed = options.seed ?? 1;
  const outputDim = options.outputDim ?? 6;
  const inputs: tf.SymbolicTensor[] = [];
  if (options.noiseDim) inputs.push(tf.input({ shape: [options.noiseDim] }));
  if (options.inputDim) inputs.push(tf.input({ shape: [options.inputDim] }));
  if (options.conditionDim) inputs.push(tf.input({ shape: [options.conditionDim] }));
  const joined = inputs.length > 1 ? (tf.layers.concatenate().apply(inputs) as tf.SymbolicTensor) : inputs[0]!;
  const hidden = tf.layers
    .dense({ units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed }) })
    .apply(joined) as tf.SymbolicTensor;
  const normalized = tf.layers.batchNormalization({ momentum: 0.9 }).apply(hidden) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: outputDim,
      activation: 'tanh',
      kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }),
    })
    .apply(normalized) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: output });
}

export function tinyDiscriminator(options: { inputDim?: number; conditionDim?: number; seed?: number } = {}) {
  const seed = options.seed ?? 11;
  const image = tf.input({ shape: [options.inputDim ?? 6] });
  const inputs = [image];
  if (options.conditionDim) inputs.push(tf.input({ shape: [options.conditionDim] }));
  const joined = inputs.length > 1 ? (tf.layers.concatenate().apply(inputs) as tf.SymbolicTensor) : image;
  const hidden = tf.layers
    .dense({ units: 8, kernelInitializer: tf.initializers.glorotNormal({ seed }) })
    .apply(joined) as tf.SymbolicTensor;
  const activated = tf.layers.leakyReLU({ alpha: 0.2 }).apply(hidden) as tf.SymbolicTensor;
  const logit = tf.layers
    .dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) })
    .apply(activated) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: logit });
}

/** Real data: N points on a fixed direction with noise, so a GAN has something to learn. */
export function tinyData(count = 32, dim = 6, seed = 5): tf.Tensor2D {
  return tf.tidy(() => {
    const direction = tf.linspace(-0.8, 0.8, dim).reshape([1, dim]);
    const scale = tf.randomUniform([count, 1], 0.5, 1, 'float32', seed);
    return direction.mul(scale).add(tf.randomNormal([count, dim], 0, 0.05, 'float32', seed + 1)) as tf.Tensor2D;
  });
}

/** A data set whose pass `poisonedPass` yields NaN in batch `poisonedBatch` (to test the NaN guard). */
export class PoisonedDataset implements Dataset<TrainingBatch> {
  readonly size: number;
  constructor(
    private readonly real: tf.Tensor2D,
    private readonly poisonedBatch: number,
  ) {
    this.size = real.shape[0];
  }

  async *batches(batchSize: number, _options: BatchOptions): AsyncGenerator<TrainingBatch> {
    for (let index = 0; index * batchSize < this.size; index++) {
      const rows = this.real.slice(index * batchSize, batchSize);
      yield { real: index === this.poisonedBatch ? tf.tidy(() => rows.mul(Number.NaN)) : rows };
      if (index === this.poisonedBatch) rows.dispose();
    }
  }
}

export function maxAbsDifference(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  return tf.tidy(() => Math.max(...a.map((tensor, index) => tf.max(tf.abs(tensor.sub(b[index]!))).dataSync()[0]!)));
}
