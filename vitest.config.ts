import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import workspace packages from their TypeScript sources, so `vitest` needs no build.
export const workspaceAliases = {
  '@ganforge/core/node': source('./packages/core/src/node.ts'),
  '@ganforge/core': source('./packages/core/src/index.ts'),
  '@ganforge/data/node': source('./packages/data/src/node.ts'),
  '@ganforge/data': source('./packages/data/src/index.ts'),
  '@ganforge/metrics/node': source('./packages/metrics/src/node.ts'),
  '@ganforge/metrics': source('./packages/metrics/src/index.ts'),
  '@ganforge/laplacian': source('./packages/laplacian/src/index.ts'),
  '@ganforge/backend-node': source('./packages/backend-node/src/index.ts'),
  '@ganforge/backend-browser': source('./packages/backend-browser/src/index.ts'),
  '@ganforge/srgan/node': source('./packages/srgan/src/node.ts'),
  '@ganforge/srgan': source('./packages/srgan/src/index.ts'),
  '@ganforge/text/node': source('./packages/text/src/node.ts'),
  '@ganforge/text': source('./packages/text/src/index.ts'),
  '@ganforge/backend-wasm': source('./packages/backend-wasm/src/index.ts'),
};

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    // The JSON report lets .ci/run print one 'N passed, N failed' line for the CI log.
    reporters: ['default', ['json', { outputFile: '.cache/vitest-report.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'scripts/**/*.test.mjs'],
          exclude: ['**/*.slow.test.ts', '**/*.gpu.test.ts', '**/*.browser.test.ts', '**/node_modules/**'],
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Real headless Chromium (Debian's chromium + playwright-core); run with the rest by `pnpm test`.
          name: 'browser',
          include: ['packages/*/src/**/*.browser.test.ts', 'examples/*/src/**/*.browser.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Every README code block, run from a consumer-like package against the built dist/ with
          // GANFORGE_MAX_STEPS cutting training short (test-support/readme-examples); `pnpm test` builds first.
          name: 'readme',
          include: ['test-support/readme-examples/src/**/*.test.ts'],
          testTimeout: 600_000,
        },
      },
    ],
  },
});
