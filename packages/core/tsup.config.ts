import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // index.js registers the PixelShuffle layer class; keeping each entry whole keeps that side effect
  // in the files package.json's `sideEffects` names. node.ts reaches the core through the package name.
  splitting: false,
  external: ['@ganforge/core'],
});
