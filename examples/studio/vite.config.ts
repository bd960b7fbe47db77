import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

import { studioDataPlugin } from './vite/studio-data-plugin.js';

// Cross-origin isolation lets tfjs-backend-wasm use its threaded build (SharedArrayBuffer); both
// servers send it, and a site that hosts the built page must send the same two headers.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const packages = (path: string) => fileURLToPath(new URL(`../../packages/${path}`, import.meta.url));

export default defineConfig({
  // Use the workspace packages' sources, so the studio needs no build of them.
  resolve: {
    alias: {
      '@ganforge/core': packages('core/src/index.ts'),
      '@ganforge/data': packages('data/src/index.ts'),
      '@ganforge/laplacian': packages('laplacian/src/index.ts'),
      '@ganforge/metrics': packages('metrics/src/index.ts'),
      '@ganforge/srgan': packages('srgan/src/index.ts'),
      '@ganforge/text': packages('text/src/index.ts'),
      '@ganforge/backend-wasm': packages('backend-wasm/src/index.ts'),
      '@ganforge/backend-browser': packages('backend-browser/src/index.ts'),
    },
  },
  plugins: [studioDataPlugin()],
  // The dev server pre-bundles the workers' dependencies with the page's from the start: found only
  // when a worker first loads, they were re-bundled and the page reloaded in the middle of an action.
  optimizeDeps: { entries: ['index.html', 'src/**/*.worker.ts'] },
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: {
    format: 'es',
    // tfjs-backend-wasm hands its threads the text of its threaded module's factory (Function#toString),
    // which must not depend on the bundle around it. The minifier's compress pass turns the factory's
    // `typeof _scriptDir !== 'undefined'` into `e !== void 0`, a ReferenceError in every thread, and
    // training would hang; renaming alone (mangle) keeps the check safe.
    rolldownOptions: { output: { minify: { compress: false, mangle: true } } },
  },
  build: { target: 'es2022' },
});
