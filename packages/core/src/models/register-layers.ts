import * as tf from '@tensorflow/tfjs';

import { PixelShuffle } from './pixel-shuffle.js';

let registered = false;

/**
 * Registers GANForge's custom layers with tfjs serialization, so `tf.loadLayersModel` can read
 * models that use them. Importing `@ganforge/core` does this; calling it again is harmless.
 */
export function registerGanForgeLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(PixelShuffle);
  registered = true;
}
