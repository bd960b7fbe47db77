import { Option } from 'commander';

import { nodeBackendNames } from '@ganforge/backend-node';

/** `--backend <name>`: force one tfjs backend instead of the fastest available one. */
export function backendOption(): Option {
  return new Option('--backend <name>', 'force a backend (default: the fastest available)').choices([
    ...nodeBackendNames,
  ]);
}
