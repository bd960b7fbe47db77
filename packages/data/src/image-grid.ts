import type * as tf from '@tensorflow/tfjs';

import { assertInteger, assertRank, describedAs, InvalidArgumentError } from '@ganforge/core';

import { symmetricToPixels } from './pixel-scaling.js';

export interface ImageGridOptions {
  /** Images per row. Default: the square root of the count, rounded up. */
  readonly columns?: number;
  /** Pixels between images. Default 2. */
  readonly padding?: number;
  /** Grey level of the padding, 0-255. Default 255 (white). */
  readonly background?: number;
}

/** An RGBA bitmap. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  readonly data: Uint8Array;
}

/**
 * Tiles a batch of images in [-1, 1] ([N, H, W, 1 or 3]) into one RGBA bitmap, ready to be
 * encoded as PNG (`saveImageGrid` in `@ganforge/data/node`) or drawn on a canvas. Asynchronous
 * because it reads the tensor with `data()`: WebGPU in Node cannot read synchronously.
 */
export async function tileImages(images: tf.Tensor, options: ImageGridOptions = {}): Promise<RgbaImage> {
  assertRank(images, 4, 'images', 'Pass a batch [N, height, width, channels] in [-1, 1].');
  const [count, height, width, channels] = images.shape as [number, number, number, number];
  if (channels !== 1 && channels !== 3) {
    throw new InvalidArgumentError('images', 'images with 1 or 3 channels', describedAs(`${channels} channels`));
  }
  const columns = options.columns ?? Math.ceil(Math.sqrt(count));
  const padding = options.padding ?? 2;
  const background = options.background ?? 255;
  assertInteger(columns, 1, 4096, 'options.columns');
  assertInteger(padding, 0, 256, 'options.padding');
  assertInteger(background, 0, 255, 'options.background');
  const rows = Math.ceil(count / columns);
  const gridWidth = columns * width + (columns + 1) * padding;
  const gridHeight = rows * height + (rows + 1) * padding;
  const pixelTensor = symmetricToPixels(images);
  const pixels = await pixelTensor.data();
  pixelTensor.dispose();
  const data = new Uint8Array(gridWidth * gridHeight * 4).fill(background);
  for (let index = 0; index < count; index++) {
    const left = padding + (index % columns) * (width + padding);
    const top = padding + Math.floor(index / columns) * (height + padding);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const source = ((index * height + y) * width + x) * channels;
        const target = ((top + y) * gridWidth + left + x) * 4;
        data[target] = pixels[source]!;
        data[target + 1] = pixels[source + (channels === 3 ? 1 : 0)]!;
        data[target + 2] = pixels[source + (channels === 3 ? 2 : 0)]!;
        data[target + 3] = 255;
      }
    }
  }
  return { width: gridWidth, height: gridHeight, data };
}
