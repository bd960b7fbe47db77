// Runs in headless Chromium (bundled by read-image-blob.browser.test.ts): decodes fixture files served by the test.
import * as tf from '@tensorflow/tfjs';

import { readImageBlob } from '../read-image-blob.js';

async function decode(url: string, channels: 1 | 3 | 4) {
  await tf.setBackend('cpu');
  const blob = await (await fetch(url)).blob();
  const image = await readImageBlob(blob, { channels });
  const result = { shape: image.shape, data: Array.from(await image.data()) };
  image.dispose();
  return { ...result, tensors: tf.memory().numTensors };
}

async function decodeError() {
  try {
    await readImageBlob(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }));
    return 'no error';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

Object.assign(globalThis, { ganforgeImages: { decode, decodeError }, ganforgeReady: true });
