import type * as tf from '@tensorflow/tfjs';
import * as v from 'valibot';

import { CheckpointError, InvalidArgumentError } from '../errors.js';
import type { Checkpoint } from './checkpoint.js';
import { assertCheckpointSpecsConsistent } from './checkpoint-consistency.js';
import { checkpointObjectSchema } from './checkpoint-header-schema.js';
import type { CheckpointLimits } from './checkpoint-limits.js';
import { refusal } from './load-refusal.js';
import { assignWeightsInOrder, deserializeModel, deserializeTensors } from './model-serialization.js';
import { describeSchemaIssue } from './schema-issue.js';

/** Options of {@link loadGenerator}. */
export interface LoadGeneratorOptions {
  /** Load the averaged (EMA) weights. Default: true when the checkpoint has them. */
  readonly ema?: boolean;
  /** Topology limits (`maxJsonDepth`, `maxLayers`), see {@link CheckpointLimits}. */
  readonly limits?: Partial<CheckpointLimits>;
}

/**
 * Rebuilds a checkpoint's generator for sampling, in any runtime (Node, browser, worker).
 * `ema: true` loads the averaged weights (the default when the checkpoint has them). The checkpoint
 * object is checked field by field, and the model is built within what its weights justify (see
 * `modelFromArtifactsWithinBudget`); when anything fails, nothing stays allocated.
 *
 * @throws CheckpointError: code `CHECKPOINT` (not a checkpoint at all, e.g. `undefined` from a
 *   store that has no such name), `CHECKPOINT_HEADER` (a field missing or out of range) or
 *   `CHECKPOINT_MISMATCH` (weights that do not fit the topology or each other); SizeLimitError;
 *   InvalidArgumentError for a bad `options.ema`.
 *
 * @example
 * ```ts
 * const generator = await loadGenerator(await store.load('latest'));
 * const images = generator.predict(tf.randomNormal([16, 100])) as tf.Tensor4D;
 * ```
 */
export async function loadGenerator(
  checkpoint: Checkpoint | undefined,
  options: LoadGeneratorOptions = {},
): Promise<tf.LayersModel> {
  if (checkpoint === null || typeof checkpoint !== 'object') {
    throw new CheckpointError(
      `checkpoint: expected a GANForge checkpoint (from a CheckpointStore), received ${String(checkpoint)}.`,
    );
  }
  if (options.ema !== undefined && typeof options.ema !== 'boolean') {
    throw new InvalidArgumentError('options.ema', 'true, false or undefined', options.ema);
  }
  const parsed = v.safeParse(checkpointObjectSchema, checkpoint, { abortEarly: true });
  if (!parsed.success) {
    const issue = describeSchemaIssue('checkpoint', parsed.issues[0]);
    throw refusal({ kind: 'checkpoint' }, 'CHECKPOINT_HEADER', issue.field, issue.expected, issue.received);
  }
  assertCheckpointSpecsConsistent(parsed.output);
  const useEma = options.ema ?? checkpoint.generatorEma !== undefined;
  if (useEma && !checkpoint.generatorEma) {
    throw new CheckpointError('checkpoint: it holds no EMA weights; train with the ema option or pass ema: false.');
  }
  const generator = await deserializeModel(checkpoint.generator, {
    label: 'checkpoint.generator',
    limits: options.limits,
  });
  if (!useEma || !checkpoint.generatorEma) return generator;
  try {
    const averaged = deserializeTensors(checkpoint.generatorEma, 'checkpoint.generatorEma');
    try {
      assignWeightsInOrder(generator.weights, averaged, 'checkpoint.generatorEma');
    } finally {
      averaged.forEach(({ tensor }) => tensor.dispose());
    }
  } catch (error) {
    generator.dispose();
    throw error;
  }
  return generator;
}
