import { Command } from 'commander';

import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { sampleCommand } from './commands/sample.js';
import { text2imgCommand } from './commands/text2img.js';
import { trainCommand } from './commands/train.js';
import { upscaleCommand } from './commands/upscale.js';
import { throwUsageErrors } from './usage-error.js';

/** The `ganforge` command line; its usage errors are thrown as `UsageError`s (see `reportCliError`). */
export function ganforgeProgram(version: string): Command {
  return throwUsageErrors(
    new Command('ganforge')
      .description('Train GANs on TensorFlow.js and sample from them.')
      .version(version)
      .addCommand(trainCommand())
      .addCommand(sampleCommand())
      .addCommand(upscaleCommand())
      .addCommand(text2imgCommand())
      .addCommand(demoCommand())
      .addCommand(evalCommand()),
  );
}
