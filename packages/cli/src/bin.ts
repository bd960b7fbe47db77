import { GanForgeError } from '@ganforge/core';

import { ganforgeProgram } from './program.js';

declare const __GANFORGE_VERSION__: string | undefined;

const version = typeof __GANFORGE_VERSION__ === 'string' ? __GANFORGE_VERSION__ : '0.0.0';

try {
  await ganforgeProgram(version).parseAsync(process.argv);
} catch (error) {
  // Our own errors already say what is wrong and what to do: one line, no stack.
  if (error instanceof GanForgeError) {
    console.error(`ganforge: ${error.message}`);
    process.exit(error.code === 'INVALID_ARGUMENT' ? 2 : 1);
  }
  throw error;
}
