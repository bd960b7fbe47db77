import * as tf from '@tensorflow/tfjs';

import { cliErrorPrefix, reportCliError } from './report-cli-error.js';
import { ganforgeProgram } from './program.js';

declare const __GANFORGE_VERSION__: string | undefined;

const version = typeof __GANFORGE_VERSION__ === 'string' ? __GANFORGE_VERSION__ : '0.0.0';

// tfjs prints advice for developers through one channel (backend_util.warn/log: the cpu backend's
// "Hi, looks like you are running TensorFlow.js in Node.js" banner, "backend already registered"),
// which it silences in production mode; in tfjs 4.22 that is all PROD changes (tfjs-core log.js,
// environment.js). The command reports its backend itself ([ganforge] backend: ...).
tf.enableProdMode();

try {
  await ganforgeProgram(version).parseAsync(process.argv);
} catch (error) {
  const report = reportCliError(error);
  if (report === undefined) {
    // Anything else is a bug: its stack helps whoever fixes it. Printed here rather than rethrown,
    // since an uncaught error would be rethrown by tfjs-backend-wasm's handler with its source.
    console.error(
      `${cliErrorPrefix}unexpected error, please report it at https://github.com/ganforge/ganforge/issues with the command you ran:`,
    );
    console.error(error);
    process.exit(70);
  }
  console.error(`${cliErrorPrefix}${report.line}`);
  process.exit(report.exitCode);
}
