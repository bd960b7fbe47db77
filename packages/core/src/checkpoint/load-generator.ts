import type * as tf from '@tensorflow/tfjs';

import { CheckpointError } from '../errors.js';
import type { Checkpoint } from './checkpoint.js';
import { assignWeightsInOrder, deserializeModel, deserializeTensors } from './model-serialization.js';

/**
 * Rebuilds a checkpoint's generator for sampling, in any runtime (Node, browser, worker).
 * `ema: true` loads the averaged weights (the default when the checkpoint has them).
 *
 * @example
 * ```ts
 * const generator = await loadGenerator(await store.load('latest'));
 * const images = generator.predict(tf.randomNormal([16, 100])) as tf.Tensor4D;
 * ```
 */
export async function loadGenerator(
  checkpoint: Checkpoint | undefined,
  options: { ema?: boolean } = {},
): Promise<tf.LayersModel> {
  if (checkpoint?.format !== 'ganforge-checkpoint') {
    throw new CheckpointError(
      'checkpoint: expected a GANForge checkpoint (from a CheckpointStore), received ' + String(checkpoint),
    );
  }
  const generator = await deserializeModel(checkpoint.generator);
  const useEma = options.ema ?? checkpoint.generatorEma !== undefined;
  if (useEma) {
    if (!checkpoint.generatorEma)
      throw new CheckpointError('checkpoint: it holds no EMA weights; train with the ema option or pass ema: false.');
    const averaged = deserializeTensors(checkpoint.generatorEma);
    try {
      assignWeightsInOrder(generator.weights, averaged, 'generator EMA');
    } finally {
      averaged.forEach(({ tensor }) => tensor.dispose());
    }
  }
  return generator;
}
