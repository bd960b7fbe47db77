import { InvalidFileError } from '@ganforge/core';
import { parseIdx } from '@ganforge/data';
import * as tf from '@tensorflow/tfjs';

/**
 * Fetches a data set's IDX file (the studio serves them under /data/) and returns its images as a
 * [N, 28, 28, 1] tensor in [-1, 1], the range the generators' tanh produces. A failed fetch or a
 * file that is not 28x28 images says which URL and what came back.
 */
export async function loadTrainingImages(url: string, name: string): Promise<tf.Tensor4D> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(
      `Could not fetch the ${name} images from ${url} (${error instanceof Error ? error.message : String(error)}). ` +
        'Check that the studio server is still running, then press Start again.',
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new Error(
      `Could not fetch the ${name} images from ${url}: the server answered ${response.status} ${response.statusText}. ` +
        'The studio serves them itself (vite/studio-data-plugin.ts); reload the page or rebuild the site.',
    );
  }
  const { shape, data } = parseIdx(new Uint8Array(await response.arrayBuffer()), 'images', url);
  if (shape.length !== 3 || shape[1] !== 28 || shape[2] !== 28) {
    throw new InvalidFileError(url, 'IDX images of 28x28 pixels', `an IDX array of shape [${shape.join(', ')}]`);
  }
  const pixels = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) pixels[i] = data[i]! / 127.5 - 1;
  return tf.tensor4d(pixels, [shape[0]!, 28, 28, 1]);
}
