import { reportCliError } from './report-cli-error.js';
import { ganforgeProgram } from './program.js';

declare const __GANFORGE_VERSION__: string | undefined;

const version = typeof __GANFORGE_VERSION__ === 'string' ? __GANFORGE_VERSION__ : '0.0.0';

try {
  await ganforgeProgram(version).parseAsync(process.argv);
} catch (error) {
  const report = reportCliError(error);
  // Our own errors (and a backend's missing kernel) already say what is wrong and what to do: one
  // line, no stack. Anything else is a bug, and its stack helps whoever fixes it.
  if (report === undefined) throw error;
  console.error(`ganforge: ${report.line}`);
  process.exit(report.exitCode);
}
