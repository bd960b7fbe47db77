import { Command, Option } from 'commander';

import { adversarialLossNames, type DcganSize } from '@ganforge/core';

import { startBackend } from '../backend-option.js';
import { trainDcgan } from '../dcgan-run.js';
import { integerChoiceOption, integerOption, positiveNumberOption } from '../option-parsers.js';
import { runLimits } from '../run-metadata.js';
import { interruptSignal } from '../interrupt-signal.js';
import { explicitFlags } from '../resume-settings.js';
import { addRunOptions, assertStopCondition, runSchedule } from '../run-options.js';
import { addSuperResolutionTrainCommands } from './srgan-training.js';
import { trainLapGanCommand } from './train-lapgan.js';
import { trainText2imgCommand } from './train-text2img.js';

export function trainCommand(): Command {
  const train = new Command('train').description('Train a model (see `ganforge train <model> --help`).');
  addRunOptions(
    train
      .command('dcgan')
      .description('Train a DCGAN (Radford et al. 2016) on MNIST, Fashion-MNIST or a folder of images.')
      .requiredOption('--dataset <name|folder>', "'mnist', 'fashion-mnist', or a folder of PNG/JPEG images")
      .requiredOption('--out <folder>', 'run folder for checkpoints and sample grids (e.g. runs/mnist)')
      .option('--steps <n>', 'train until this many steps in total', integerOption(1))
      .option('--minutes <m>', 'stop after this many minutes', positiveNumberOption)
      .option('--resume', 'continue the run in --out from its latest checkpoint', false)
      .addOption(new Option('--size <px>', 'image side').choices(['28', '32', '64']).default('28'))
      .option('--channels <n>', 'image channels for folders (1 or 3)', integerChoiceOption([1, 3]), 1)
      .option('--batch-size <n>', 'batch size', integerOption(...runLimits.batchSize), 64)
      .option('--latent-dim <n>', 'noise size', integerOption(...runLimits.dcganLatentDim), 100)
      .option('--filters <n>', 'filters of the widest-resolution layer', integerOption(...runLimits.dcganFilters), 64)
      .option('--lr <rate>', 'Adam learning rate', positiveNumberOption, 2e-4)
      .addOption(
        new Option('--loss <name>', 'adversarial loss').choices([...adversarialLossNames]).default('non-saturating'),
      )
      .option('--conditional', 'class-conditional (labels into G and D); MNIST variants only', false)
      .option('--limit <n>', 'use only the first n training images', integerOption(1)),
    { sampleEvery: 50, checkpointEvery: 100 },
  ).action(async (options: Record<string, unknown>, command: Command) => {
    assertStopCondition(options);
    await startBackend(options);
    const signal = interruptSignal();
    const summary = await trainDcgan(
      {
        dataset: options['dataset'] as string,
        size: Number(options['size']) as DcganSize,
        channels: options['channels'] as number,
        latentDim: options['latentDim'] as number,
        filters: options['filters'] as number,
        conditional: options['conditional'] as boolean,
        loss: options['loss'] as string,
        learningRate: options['lr'] as number,
        batchSize: options['batchSize'] as number,
        seed: options['seed'] as number,
        limit: options['limit'] as number | undefined,
      },
      {
        out: options['out'] as string,
        ...runSchedule(options),
        signal,
        explicit: explicitFlags(command),
      },
    );
    console.log(
      `Trained ${summary.stepsRun} steps (${summary.step} in total, stopped by ${summary.stoppedBy}) in ` +
        `${(summary.durationMs / 1000).toFixed(0)} s. Samples: ${options['out']}/samples.png, checkpoint: ${options['out']}/latest.gfckpt`,
    );
  });
  addSuperResolutionTrainCommands(train);
  train.addCommand(trainLapGanCommand());
  train.addCommand(trainText2imgCommand());
  return train;
}
