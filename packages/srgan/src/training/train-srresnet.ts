import * as tf from '@tensorflow/tfjs';

import {
  assertInteger,
  assertNumberInRange,
  capTrainingSteps,
  type Dataset,
  deriveSeed,
  describedAs,
  finiteOptimizerStep,
  InvalidArgumentError,
  type TrainingBatch,
} from '@ganforge/core';

import { pixelMseLoss } from '../losses/pixel-losses.js';

export interface SrresnetStepEvent {
  /** Steps completed in this call. */
  readonly step: number;
  /** Pixel MSE of this step's batch (images in [-1, 1]). */
  readonly loss: number;
  readonly durationMs: number;
  readonly stepsPerSecond: number;
}

export interface TrainSrresnetOptions {
  readonly batchSize: number;
  /** Stop after this many steps (at most `GANFORGE_MAX_STEPS` when that variable is set). */
  readonly steps?: number;
  /** Stop after the step that crosses this many milliseconds. */
  readonly durationMs?: number;
  /** Adam's learning rate. Default 1e-4 (SRGAN sec. 3.2). */
  readonly learningRate?: number;
  /** Seed of the data passes. Default 0. */
  readonly seed?: number;
  /** Stops between steps. */
  readonly signal?: AbortSignal;
  onStep?(event: SrresnetStepEvent): void | Promise<void>;
}

export interface SrresnetTrainingSummary {
  readonly steps: number;
  readonly durationMs: number;
  readonly lastLoss: number;
  readonly stoppedBy: 'steps' | 'duration' | 'abort';
}

/**
 * Trains a generator on pixel MSE alone: SRGAN's SRResNet (sec. 3.2: Adam, beta1 0.9, lr 1e-4),
 * the initialisation of SRGAN fine-tuning. A plain optimizer loop, not a second GAN loop: there is
 * no discriminator. Each step runs in `tf.tidy`; the batches' tensors are disposed.
 *
 * @throws NonFiniteLossError when a step's loss (or a gradient) is NaN or infinite, and
 * NonFiniteWeightError when a BatchNorm statistic would become so: that step is not applied, so the
 * generator (weights and BatchNorm statistics) is exactly as after the last good step.
 *
 * @example
 * ```ts
 * const generator = srresnet({ blocks: 16 });
 * await trainSrresnet(generator, new SuperResolutionDataset({ images }), { batchSize: 16, steps: 1000 });
 * ```
 */
export async function trainSrresnet(
  generator: tf.LayersModel,
  dataset: Dataset<TrainingBatch>,
  options: TrainSrresnetOptions,
): Promise<SrresnetTrainingSummary> {
  if (typeof generator?.apply !== 'function')
    throw new InvalidArgumentError('generator', 'a tf.LayersModel', generator);
  if (typeof dataset?.batches !== 'function') throw new InvalidArgumentError('dataset', 'a Dataset', dataset);
  assertInteger(options?.batchSize, 1, 1 << 16, 'options.batchSize');
  if (options.steps === undefined && options.durationMs === undefined && options.signal === undefined) {
    throw new InvalidArgumentError(
      'options',
      'at least one of steps, durationMs or signal to say when to stop',
      options,
    );
  }
  if (options.steps !== undefined) assertInteger(options.steps, 0, Number.MAX_SAFE_INTEGER, 'options.steps');
  if (options.durationMs !== undefined)
    assertNumberInRange(options.durationMs, 0, Number.MAX_VALUE, 'options.durationMs');
  const learningRate = options.learningRate ?? 1e-4;
  assertNumberInRange(learningRate, Number.MIN_VALUE, 10, 'options.learningRate');
  const seed = options.seed ?? 0;
  const maxSteps = capTrainingSteps('trainSrresnet', options.steps);
  const optimizer = tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
  const variables = generator.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const started = performance.now();
  let step = 0;
  let lastLoss = Number.NaN;
  let stoppedBy: SrresnetTrainingSummary['stoppedBy'] = 'steps';
  const done = () => {
    if (options.signal?.aborted) return (stoppedBy = 'abort');
    if (maxSteps !== undefined && step >= maxSteps) return (stoppedBy = 'steps');
    if (options.durationMs !== undefined && performance.now() - started >= options.durationMs) {
      return (stoppedBy = 'duration');
    }
    return undefined;
  };
  try {
    for (let epoch = 0; !done(); epoch++) {
      const stepsBefore = step;
      for await (const batch of dataset.batches(options.batchSize, {
        seed: deriveSeed(seed, 'data', epoch),
        signal: options.signal,
      })) {
        const stepStarted = performance.now();
        let lossValue: number;
        try {
          if (batch.input === undefined) {
            throw new InvalidArgumentError('batch.input', 'the low-resolution images of each batch', undefined);
          }
          const input = batch.input;
          // Applies the update only if the loss, gradients and BatchNorm statistics are finite, so a
          // failed step leaves the generator as after the last good one.
          lossValue = await finiteOptimizerStep({
            optimizer,
            variables,
            models: [generator],
            step: step + 1,
            lossName: 'content_mse',
            loss: () => pixelMseLoss(generator.apply(input, { training: true }) as tf.Tensor, batch.real),
          });
        } finally {
          tf.dispose([batch.real, batch.input].filter((tensor): tensor is tf.Tensor => tensor !== undefined));
        }
        step += 1;
        lastLoss = lossValue;
        await options.onStep?.({
          step,
          loss: lossValue,
          durationMs: performance.now() - stepStarted,
          stepsPerSecond: step / ((performance.now() - started) / 1000),
        });
        if (done()) break;
      }
      if (step === stepsBefore && !done()) {
        throw new InvalidArgumentError(
          'dataset',
          'a data set that yields at least one batch per pass',
          describedAs('an empty pass'),
        );
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { steps: step, durationMs: performance.now() - started, lastLoss, stoppedBy };
}
