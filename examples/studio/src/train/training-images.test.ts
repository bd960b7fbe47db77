import { InvalidFileError } from '@ganforge/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { loadTrainingImages } from './training-images.js';

const url = 'http://studio.test/data/mnist-images.idx';

/** An IDX3 file of `count` images of `rows` x `columns` bytes, each pixel `pixel(index)`. */
function idx(count: number, rows: number, columns: number, pixel: (index: number) => number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(16 + count * rows * columns);
  const header = new DataView(bytes.buffer);
  [0x00000803, count, rows, columns].forEach((value, index) => header.setInt32(index * 4, value));
  for (let i = 16; i < bytes.length; i++) bytes[i] = pixel(i - 16);
  return bytes;
}

const serve = (response: Response | Error) =>
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => (response instanceof Error ? Promise.reject(response) : response)),
  );

afterEach(() => void vi.unstubAllGlobals());

describe('loadTrainingImages', () => {
  it('scales the bytes 0..255 to [-1, 1] as [N, 28, 28, 1]', async () => {
    serve(new Response(idx(2, 28, 28, (index) => (index === 0 ? 0 : index === 1 ? 255 : 51))));
    const images = await loadTrainingImages(url, 'MNIST');
    expect(images.shape).toEqual([2, 28, 28, 1]);
    const values = await images.data();
    expect(values[0]).toBe(-1);
    expect(values[1]).toBe(1);
    expect(values[2]).toBeCloseTo(51 / 127.5 - 1, 6);
    images.dispose();
  });

  it('says which URL failed and what the server answered', async () => {
    serve(new Response('missing', { status: 404, statusText: 'Not Found' }));
    await expect(loadTrainingImages(url, 'MNIST')).rejects.toThrow(
      `Could not fetch the MNIST images from ${url}: the server answered 404 Not Found.`,
    );
  });

  it('says so when the server cannot be reached', async () => {
    serve(new TypeError('Failed to fetch'));
    await expect(loadTrainingImages(url, 'Fashion-MNIST')).rejects.toThrow(
      `Could not fetch the Fashion-MNIST images from ${url} (Failed to fetch).`,
    );
  });

  it('refuses images that are not 28x28, naming the file', async () => {
    serve(new Response(idx(1, 32, 32, () => 0)));
    const error = await loadTrainingImages(url, 'MNIST').catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(InvalidFileError);
    expect((error as Error).message).toBe(
      `${url}: expected IDX images of 28x28 pixels, received an IDX array of shape [1, 32, 32].`,
    );
  });
});
