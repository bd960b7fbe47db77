// Bundles scripts/bench.ts and everything it imports into one ESM file for machines without
// node_modules (scripts/gpu-check.sh). Optional native packages stay external: `webgpu` is shipped
// beside the bundle; tfjs-node(-gpu) are simply absent there.
import { join } from 'node:path';

import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const outfile = process.argv[2] ?? join(root, '.gpu-check', 'bench.mjs');
const source = (path) => join(root, 'packages', path);

await build({
  entryPoints: [join(root, 'scripts', 'bench.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  alias: {
    '@ganforge/core': source('core/src/index.ts'),
    '@ganforge/backend-node': source('backend-node/src/index.ts'),
    '@ganforge/backend-wasm': source('backend-wasm/src/index.ts'),
    '@ganforge/data': source('data/src/index.ts'),
    '@ganforge/srgan': source('srgan/src/index.ts'),
  },
  // tfjs-backend-wasm's Node build finds its .wasm files through __dirname: the bundle's folder.
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { dirname as __pathDirname } from 'node:path';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      'const __dirname = __pathDirname(__filename);',
    ].join('\n'),
  },
  logLevel: 'warning',
});
console.log(`wrote ${outfile}`);
