import { defineConfig, type Options } from 'tsup';

// What every published package builds the same way: ESM + CJS with .d.ts and source maps for ES2022,
// one whole file per entry (no shared chunks, so each entry's side effects stay in that entry).
const library: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  target: 'es2022',
  splitting: false,
};

/** The package's main entry, `src/index.ts`; `options` adds to or overrides the shared settings. */
export function mainEntry(options: Options = {}) {
  return defineConfig({ ...library, entry: ['src/index.ts'], clean: true, ...options });
}

/**
 * The Node entry, `src/node.ts`, built after the main one into the same folder. It imports the main
 * entry by package name (`external`), so both share one copy of every class (instanceof checks hold)
 * and its .d.ts refers to the main .d.ts.
 */
export function nodeEntry(packageName: string) {
  return defineConfig({ ...library, entry: ['src/node.ts'], clean: false, shims: true, external: [packageName] });
}
