import { Option } from 'commander';

import { maxWasmThreads, nodeBackendNames, useBackend } from '@ganforge/backend-node';
import type { BackendInfo } from '@ganforge/core';

import { integerOption } from './option-parsers.js';

/** `--backend <name>`: force one tfjs backend instead of the fastest available one. */
export function backendOption(): Option {
  return new Option('--backend <name>', 'force a backend (default: the fastest available)').choices([
    ...nodeBackendNames,
  ]);
}

/** `--threads <n>`: threads of the wasm backend (also GANFORGE_THREADS). */
export function threadsOption(): Option {
  return new Option(
    '--threads <n>',
    `threads of the wasm backend, 1 to ${maxWasmThreads} (default: GANFORGE_THREADS, else every physical core)`,
  ).argParser(integerOption(1, maxWasmThreads));
}

/** Starts the backend a command's `--backend` and `--threads` ask for, and prints its one line. */
export function startBackend(options: {
  readonly backend?: unknown;
  readonly threads?: unknown;
}): Promise<BackendInfo> {
  return useBackend({ backend: options.backend as never, threads: options.threads as number | undefined });
}
