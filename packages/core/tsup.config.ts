import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // One whole file per entry: index.js registers the PixelShuffle layer and the missing gradients,
  // the side effects package.json's `sideEffects` names.
  splitting: false,
});
