import { GanForgeError } from '@ganforge/core';
import type { Sharp, SharpOptions } from 'sharp';

/** sharp's factory: `sharp(input, options)` gives a pipeline. */
export type SharpFactory = (input?: Buffer | Uint8Array, options?: SharpOptions) => Sharp;

/** The image codec (the npm package `sharp`, libvips) could not be loaded on this platform. */
export class ImageCodecUnavailableError extends GanForgeError {
  constructor(cause: unknown) {
    super(
      'IMAGE_CODEC_UNAVAILABLE',
      'Reading and writing image files needs the npm package `sharp` (installed with @ganforge/data), which did not load: ' +
        `${cause instanceof Error ? cause.message : String(cause)} ` +
        'Reinstall with optional dependencies enabled (`npm install --include=optional sharp`) so that its prebuilt binary for this platform is present.',
      { cause },
    );
  }
}

let loaded: Promise<SharpFactory> | undefined;

/**
 * Loads `sharp` on first use, not at import: `@ganforge/data/node` stays usable (MNIST, IDX) where
 * sharp's native binary is absent, and importing it costs nothing until an image is read or written.
 */
export function loadImageCodec(): Promise<SharpFactory> {
  loaded ??= import('sharp').then(
    (module) => (module as { default?: SharpFactory }).default ?? (module as unknown as SharpFactory),
    (cause: unknown) => {
      loaded = undefined;
      throw new ImageCodecUnavailableError(cause);
    },
  );
  return loaded;
}
