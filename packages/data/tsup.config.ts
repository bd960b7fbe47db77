import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  splitting: false,
  shims: true,
  // node.ts reaches the platform-free half through the package name, so both share one copy.
  external: ['@ganforge/data'],
});
