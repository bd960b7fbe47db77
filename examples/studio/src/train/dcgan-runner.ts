import { AdversarialTrainer, dcgan, decodeCheckpoint, encodeCheckpoint, TensorDataset } from '@ganforge/core';
import type * as tf from '@tensorflow/tfjs';

import { fixedNoiseSeed, type GanRunner, type GanRunnerOptions, gridCount, sampleGrids } from './gan-runner.js';
import { runFile, trainableRunRecord } from './run-record.js';
import { dcganSettings } from './run-settings.js';
import type { LearningRates, TrainDataset } from './train-protocol.js';

/**
 * A DCGAN to train on 28x28 images, new or continued from a run folder's `latest.gfckpt`. The
 * trainer is the one `ganforge train dcgan` builds (Adam, beta1 0.5; generator EMA 0.999), so the
 * saved run is one the CLI samples from and resumes.
 */
export async function dcganRunner(images: tf.Tensor4D, options: GanRunnerOptions): Promise<GanRunner> {
  const checkpoint = options.resumeFiles
    ? decodeCheckpoint(runFile(options.resumeFiles, 'latest.gfckpt', "a DCGAN run's checkpoint"))
    : undefined;
  const record = checkpoint ? trainableRunRecord(checkpoint, 'latest.gfckpt', ['latentDim', 'filters']) : undefined;
  const settings = {
    ...dcganSettings,
    latentDim: (record?.['latentDim'] as number | undefined) ?? dcganSettings.latentDim,
    filters: (record?.['filters'] as number | undefined) ?? dcganSettings.filters,
    seed: checkpoint?.seed ?? dcganSettings.seed,
  };
  const { generator, discriminator } = dcgan({
    size: 28,
    channels: 1,
    latentDim: settings.latentDim,
    filters: settings.filters,
    seed: settings.seed,
  });
  const adam = (learningRate: number) => ({ type: 'adam', learningRate, beta1: 0.5, beta2: 0.999 }) as const;
  const trainer = new AdversarialTrainer({
    generator,
    discriminator,
    noise: { dim: settings.latentDim },
    generatorOptimizer: adam(options.learningRates.generator),
    discriminatorOptimizer: adam(options.learningRates.discriminator),
    discriminatorStepsPerGeneratorStep: options.discriminatorSteps,
    ema: { decay: 0.999 },
    seed: settings.seed,
  });
  const data = new TensorDataset({ real: images });
  const dispose = () => {
    trainer.dispose();
    generator.dispose();
    discriminator.dispose();
    data.dispose();
  };
  try {
    if (checkpoint) await trainer.restore(checkpoint);
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    model: 'dcgan',
    trainers: [trainer],
    datasets: [data],
    batchSize: settings.batchSize,
    images: images.shape[0],
    lossNames: ['D', 'G'],
    // The trained weights, not their moving average: a single update shows at once.
    snapshot: (step) =>
      sampleGrids(
        step,
        trainer.generate({ count: gridCount, seed: step + 1, ema: false }),
        trainer.generate({ count: gridCount, seed: fixedNoiseSeed, ema: false }),
      ),
    files: async (dataset: TrainDataset, learningRates: LearningRates) => {
      // What `ganforge train dcgan` records, so `ganforge sample --checkpoint <folder>` rebuilds the model.
      const run = { ...settings, dataset, learningRate: learningRates.generator };
      return { 'latest.gfckpt': encodeCheckpoint(await trainer.checkpoint({ run })) };
    },
    dispose,
  };
}
