// Runs in headless Chromium (bundled by read-image-blob.browser.test.ts): decodes fixture files served by the test.
import * as tf from '@tensorflow/tfjs';

import { readImageBlob } from '../read-image-blob.js';

// Counts the browser's decodes, so a test can tell that a refused image never reached the decoder.
let bitmapsCreated = 0;
const createImageBitmapOfBrowser = globalThis.createImageBitmap.bind(globalThis);
globalThis.createImageBitmap = ((...args: Parameters<typeof createImageBitmap>) => {
  bitmapsCreated++;
  return createImageBitmapOfBrowser(...args);
}) as typeof createImageBitmap;

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

/** Reads `bytes` as a File named `name`; says what came back or was thrown, and how many decodes began. */
async function readBytes(bytes: number[], name: string, options: { maxPixels?: number; maxFileBytes?: number }) {
  await tf.setBackend('cpu');
  const before = bitmapsCreated;
  try {
    const image = await readImageBlob(new File([Uint8Array.from(bytes)], name), options);
    const shape = image.shape;
    image.dispose();
    return { shape, decodes: bitmapsCreated - before };
  } catch (error) {
    const { name: errorName, message, code } = error as Error & { code?: string };
    const isGanForgeError = (error as { code?: unknown }).code !== undefined;
    return { error: errorName, code, message, isGanForgeError, decodes: bitmapsCreated - before };
  }
}

Object.assign(globalThis, { ganforgeImages: { decode, decodeError, readBytes }, ganforgeReady: true });
