import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors.js';

/**
 * Changes the learning rate of an optimizer made by `makeOptimizer`, from its next update on.
 * tfjs's Adam and RMSProp read their `learningRate` field on every `applyGradients`; SGD keeps
 * `-learningRate` in a scalar tensor, which only its own `setLearningRate` replaces (and frees).
 */
export function setOptimizerLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  // By class name: tfjs's optimizers answer `instanceof` by duck typing, so Adam is an `SGDOptimizer` too.
  const name = optimizer.getClassName();
  if (name === 'SGD') {
    (optimizer as tf.SGDOptimizer).setLearningRate(learningRate);
  } else if (name === 'Adam' || name === 'RMSProp') {
    // A protected field in tfjs's typings, public at run time.
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
  } else {
    throw new InvalidArgumentError(
      'optimizer',
      'an Adam, RMSProp or SGD optimizer (the ones an OptimizerConfig makes)',
      name,
    );
  }
}
