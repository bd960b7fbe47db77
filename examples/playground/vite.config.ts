import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

const packages = (path: string) => fileURLToPath(new URL(`../../packages/${path}`, import.meta.url));

export default defineConfig({
  // Use the workspace packages' sources, so the playground needs no build of them.
  resolve: {
    alias: {
      '@ganforge/core': packages('core/src/index.ts'),
      '@ganforge/data': packages('data/src/index.ts'),
      '@ganforge/backend-wasm': packages('backend-wasm/src/index.ts'),
      '@ganforge/backend-browser': packages('backend-browser/src/index.ts'),
    },
  },
  worker: { format: 'es' },
  build: { target: 'es2022' },
});
