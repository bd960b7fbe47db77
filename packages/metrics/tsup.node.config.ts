import { defineConfig } from 'tsup';

// The Node entry is built after the main one and imports it by package name ('@ganforge/metrics'), so both
// share one copy of every class (instanceof checks hold) and its .d.ts refers to the main .d.ts.
export default defineConfig({
  entry: ['src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'es2022',
  splitting: false,
  shims: true,
  external: ['@ganforge/metrics'],
});
