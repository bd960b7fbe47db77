import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors.js';
import { assertNumberInRange } from '../tensor-checks.js';

/** A serializable optimizer description, so that a checkpoint can rebuild the same optimizer. */
export type OptimizerConfig =
  | {
      readonly type: 'adam';
      readonly learningRate: number;
      readonly beta1?: number;
      readonly beta2?: number;
      readonly epsilon?: number;
    }
  | {
      readonly type: 'rmsprop';
      readonly learningRate: number;
      readonly decay?: number;
      readonly momentum?: number;
      readonly epsilon?: number;
    }
  | { readonly type: 'sgd'; readonly learningRate: number };

/** DCGAN's optimizer (Radford et al. 2016, sec. 4): Adam, learning rate 2e-4, beta1 0.5. */
export const dcganAdam: OptimizerConfig = { type: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 };

export function makeOptimizer(config: OptimizerConfig, argument: string): tf.Optimizer {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidArgumentError(
      argument,
      "an optimizer config such as { type: 'adam', learningRate: 2e-4 }",
      config,
    );
  }
  assertNumberInRange(config.learningRate, Number.MIN_VALUE, 10, `${argument}.learningRate`);
  switch (config.type) {
    case 'adam':
      return tf.train.adam(config.learningRate, config.beta1 ?? 0.9, config.beta2 ?? 0.999, config.epsilon ?? 1e-8);
    case 'rmsprop':
      return tf.train.rmsprop(config.learningRate, config.decay ?? 0.9, config.momentum ?? 0, config.epsilon ?? 1e-7);
    case 'sgd':
      return tf.train.sgd(config.learningRate);
    default:
      throw new InvalidArgumentError(
        `${argument}.type`,
        "'adam', 'rmsprop' or 'sgd'",
        (config as { type: unknown }).type,
      );
  }
}
