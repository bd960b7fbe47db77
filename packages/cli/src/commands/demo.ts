import { Command } from 'commander';

import { trainDcgan } from '../dcgan-run.js';
import { demoRun } from '../demo-run.js';
import { interruptSignal } from '../interrupt-signal.js';
import { machineDescription } from '../machine-description.js';
import { backendOption, startBackend, threadsOption } from '../backend-option.js';
import { positiveNumberOption } from '../option-parsers.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description('Train a small DCGAN on real MNIST for a few minutes and write sample grids you can look at.')
    .option('--minutes <m>', 'how long to train', positiveNumberOption, 3)
    .option('--out <folder>', 'run folder', 'runs/demo')
    .addOption(backendOption())
    .addOption(threadsOption())
    .action(async (options: { minutes: number; out: string; backend?: string }) => {
      const backend = await startBackend(options);
      console.log(
        `Training a DCGAN on MNIST for ${options.minutes} min on ${backend.device}. Watch ${options.out}/samples.png fill with digits.`,
      );
      const summary = await trainDcgan(demoRun, {
        out: options.out,
        durationMs: options.minutes * 60_000,
        resume: 'if-any',
        sampleEvery: 25,
        checkpointEvery: 100,
        signal: interruptSignal(),
      });
      // Speed measured by this run (steps run now / its wall time), with the machine it ran on.
      const stepsPerSecond = summary.stepsRun / Math.max(summary.durationMs / 1000, 1e-3);
      console.log(
        `Done: ${summary.stepsRun} steps in ${(summary.durationMs / 1000).toFixed(1)} s (${summary.step} in total): ` +
          `${stepsPerSecond.toFixed(2)} steps/s on this machine (${machineDescription()}, ${backend.name} backend). ` +
          `Samples: ${options.out}/samples.png (grids over time in ${options.out}/samples/). ` +
          `More: ganforge sample --checkpoint ${options.out} --out grid.png`,
      );
    });
}
