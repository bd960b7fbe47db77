import { readImageBlob, useBackend } from '@ganforge/backend-browser';
import { psnr, ssim } from '@ganforge/metrics';
import { bicubicResize, upscale, type UpscalingModel } from '@ganforge/srgan';
import * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';

import { loadUpscalingSource } from './load-upscaling-source.js';
import type { EncodedImage, ImageQuality, UpscaleResult, UpscaleWorkerApi } from './upscale-worker-api.js';

// The super-resolution worker: every tensor of the panel lives here, so the page's thread only shows PNGs.
let current: UpscalingModel | undefined;
let running: AbortController | undefined;
/** Models replaced while an upscale still ran on them (a GPU backend lets a load in between tiles). */
const replaced: UpscalingModel[] = [];

function cancelled(): Error {
  const error = new Error('The upscale was cancelled.');
  error.name = 'AbortError';
  return error;
}

/** 8-bit RGB pixels [height, width, 3] as a PNG (lossless; alpha 255, so the canvas keeps the values exactly). */
async function encodePng(image: tf.Tensor3D): Promise<EncodedImage> {
  const [height, width] = image.shape;
  const rgb = await image.data();
  const rgba = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  for (let pixel = 0, source = 0; pixel < rgba.length; pixel += 4, source += 3) {
    rgba[pixel] = rgb[source]!;
    rgba[pixel + 1] = rgb[source + 1]!;
    rgba[pixel + 2] = rgb[source + 2]!;
    rgba[pixel + 3] = 255;
  }
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, width, height), 0, 0);
  return { png: await canvas.convertToBlob({ type: 'image/png' }), width, height };
}

/** PSNR and SSIM as `ganforge eval psnr|ssim` computes them on 8-bit files: Y channel, border = scale. */
async function quality(image: tf.Tensor3D, original: tf.Tensor3D, cropBorder: number): Promise<ImageQuality> {
  const options = { inputRange: [0, 255] as const, cropBorder, channel: 'y' as const };
  const [peak, structure] = [await psnr(image, original, options), await ssim(image, original, options)];
  return { psnr: peak.values[0]!, ssim: structure.values[0]! };
}

const api: UpscaleWorkerApi = {
  async start({ backend, wasmPaths }) {
    const info = await useBackend({ backend, wasmPaths, log: false });
    return `${info.name} (${info.device})`;
  },

  async loadModel(source) {
    const { model, info } = await loadUpscalingSource(source);
    if (current && running) replaced.push(current);
    else current?.model.dispose();
    current = model;
    return info;
  },

  async upscale({ photo, mode, tileSize, cancelFlag }, onProgress) {
    const model = current;
    if (!model) throw new Error('No model is loaded: pick a run from the library or load one first.');
    const scale = model.scale!;
    const controller = new AbortController();
    running = controller;
    const { signal } = controller;
    // The page's flag is read here, between tiles: a cancel message could only arrive after the upscale.
    const checkCancelled = () => {
      if (cancelFlag && Atomics.load(cancelFlag, 0) === 1 && !signal.aborted) controller.abort(cancelled());
      signal.throwIfAborted();
    };
    const kept: tf.Tensor[] = [];
    const keep = <T extends tf.Tensor>(tensor: T): T => (kept.push(tensor), tensor);
    try {
      const pixels = keep((await readImageBlob(photo, { channels: 3 })) as tf.Tensor3D);
      checkCancelled();
      let input: tf.Tensor3D;
      let original: tf.Tensor3D | undefined;
      if (mode === 'original') {
        const [height, width] = pixels.shape;
        // As SR benchmarks do: cut the original to a multiple of the scale, shrink it with MATLAB bicubic, keep 8 bits.
        const cutHeight = height - (height % scale);
        const cutWidth = width - (width % scale);
        if (cutHeight === 0 || cutWidth === 0) {
          throw new Error(
            `The original is ${width}x${height}: at scale ${scale} it must be at least ${scale} pixels wide and high.`,
          );
        }
        original = keep(tf.tidy(() => pixels.slice([0, 0, 0], [cutHeight, cutWidth, 3]).toFloat()));
        input = keep(
          tf.tidy(
            () =>
              bicubicResize(original!, { scale: 1 / scale })
                .clipByValue(0, 255)
                .round() as tf.Tensor3D,
          ),
        );
      } else {
        input = keep(pixels.toFloat());
      }
      const enlarged = keep(
        await upscale(model, input, {
          patchSize: tileSize,
          signal,
          onProgress: (progress) => {
            onProgress(progress);
            if (cancelFlag && Atomics.load(cancelFlag, 0) === 1) controller.abort(cancelled());
          },
        }),
      );
      checkCancelled();
      // Rounded as `ganforge upscale` writes its PNG (tf.round: half to even).
      const modelImage = keep(tf.tidy(() => enlarged.round()));
      const bicubicImage = keep(
        tf.tidy(() => bicubicResize(input, { scale }).clipByValue(0, 255).round() as tf.Tensor3D),
      );
      const result: UpscaleResult = {
        input: await encodePng(input),
        model: await encodePng(modelImage),
        bicubic: await encodePng(bicubicImage),
        ...(original && {
          original: await encodePng(original),
          quality: {
            cropBorder: scale,
            bicubic: await quality(bicubicImage, original, scale),
            model: await quality(modelImage, original, scale),
          },
        }),
      };
      checkCancelled();
      return result;
    } finally {
      tf.dispose(kept);
      if (running === controller) running = undefined;
      for (const old of replaced.splice(0)) old.model.dispose();
    }
  },

  cancel() {
    running?.abort(cancelled());
  },

  memory() {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  },
};

Comlink.expose(api);
