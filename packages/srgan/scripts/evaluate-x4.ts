// x4 evaluation on photos the models were not trained on: PSNR/SSIM (Y channel, 4 px border, 8-bit, from
// @ganforge/metrics) for bicubic, our SRResNet and SRGAN runs and UpscalerJS's esrgan-slim, plus side-by-side crops.
// Usage (from the repository root):
//   npx tsx packages/srgan/scripts/evaluate-x4.ts --photos ../shared/data/photos --srresnet runs/sr/srresnet \
//     --srgan runs/sr/srgan --out runs/sr/evaluation.json --crops packages/srgan/docs/images
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { useBackend } from '@ganforge/backend-node';
import { readImage, writeImage } from '@ganforge/data/node';
import { psnr, ssim } from '@ganforge/metrics';
import * as tf from '@tensorflow/tfjs';

import { bicubicResize, upscale, type UpscalingModel } from '../src/index.js';
import { resolveUpscalingModel } from '../src/node.js';

const argument = (name: string, fallback?: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? fallback : process.argv[index + 1];
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
};

const photos = argument('photos');
const out = argument('out');
const cropsFolder = argument('crops', '');
// Test photos (never trained on). The CC0 ones may be shown as crops (see shared/data/photos/README.md).
// Crop corners are multiples of the scale, so the LR panel shows the same region.
const testPhotos: { file: string; crop?: [number, number] }[] = [
  { file: 'skimage_astronaut.png', crop: [60, 180] },
  { file: 'skimage_chelsea.png', crop: [60, 152] },
  { file: 'skimage_coffee.png', crop: [120, 200] },
  { file: 'skimage_rocket.jpg', crop: [232, 248] },
];
const cropSize = 96;
const scale = 4;

await useBackend();
const methods: { name: string; model?: UpscalingModel }[] = [
  { name: 'bicubic' },
  { name: 'SRResNet (ours)', model: await resolveUpscalingModel(argument('srresnet')) },
  { name: 'SRGAN (ours)', model: await resolveUpscalingModel(argument('srgan')) },
  {
    name: 'esrgan-slim x4 (UpscalerJS)',
    model: await resolveUpscalingModel('@upscalerjs/esrgan-slim', {
      scale: 4,
      from: new URL('..', import.meta.url).pathname,
    }),
  },
];

const results: Record<string, { psnr: number[]; ssim: number[]; seconds: number[] }> = {};
for (const method of methods) results[method.name] = { psnr: [], ssim: [], seconds: [] };

for (const { file, crop } of testPhotos) {
  const original = await readImage(join(photos, file), { channels: 3 });
  // Crop to a multiple of the scale (MATLAB's modcrop), make the 8-bit LR input with MATLAB-style bicubic.
  const [height, width] = original.shape;
  const highResolution = tf.tidy(() =>
    original.slice([0, 0, 0], [height - (height % scale), width - (width % scale), 3]).toFloat(),
  ) as tf.Tensor3D;
  original.dispose();
  const lowResolution = tf.tidy(() =>
    bicubicResize(highResolution, { scale: 1 / scale })
      .round()
      .clipByValue(0, 255),
  ) as tf.Tensor3D;
  const panels: tf.Tensor3D[] = [];
  for (const method of methods) {
    const started = performance.now();
    const upscaled = method.model
      ? await upscale(method.model, lowResolution, { patchSize: 64 })
      : (tf.tidy(() => bicubicResize(lowResolution, { scale }).clipByValue(0, 255)) as tf.Tensor3D);
    const sr = tf.tidy(() => upscaled.round());
    const seconds = (performance.now() - started) / 1000;
    const metricOptions = { inputRange: [0, 255] as [number, number], cropBorder: scale };
    const p = (await psnr(sr, highResolution, metricOptions)).mean;
    const s = (await ssim(sr, highResolution, metricOptions)).mean;
    results[method.name]!.psnr.push(p);
    results[method.name]!.ssim.push(s);
    results[method.name]!.seconds.push(seconds);
    console.log(`${file}\t${method.name}\tPSNR ${p.toFixed(2)} dB\tSSIM ${s.toFixed(4)}\t${seconds.toFixed(1)} s`);
    if (crop) panels.push(tf.tidy(() => sr.slice([crop[0], crop[1], 0], [cropSize, cropSize, 3])));
    tf.dispose([upscaled, sr]);
  }
  if (crop && cropsFolder) {
    const [top, left] = crop;
    const lowCrop = tf.tidy(() =>
      tf.image
        .resizeNearestNeighbor(
          lowResolution.slice([top / scale, left / scale, 0], [cropSize / scale, cropSize / scale, 3]),
          [cropSize, cropSize],
        )
        .toFloat(),
    ) as tf.Tensor3D;
    const truth = tf.tidy(() => highResolution.slice([top, left, 0], [cropSize, cropSize, 3]));
    await writeStrip([lowCrop, ...panels, truth], join(cropsFolder, `x4-${file.replace(/\.\w+$/, '')}.png`));
    tf.dispose([lowCrop, truth]);
  }
  tf.dispose([highResolution, lowResolution, ...panels]);
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const summary = Object.entries(results).map(([name, r]) => ({
  method: name,
  psnr: mean(r.psnr),
  ssim: mean(r.ssim),
  secondsPerImage: mean(r.seconds),
  perImage: testPhotos.map(({ file }, i) => ({ file, psnr: r.psnr[i], ssim: r.ssim[i] })),
}));
console.log('\n| method | PSNR (dB) | SSIM | s / image |\n|---|---|---|---|');
for (const row of summary) {
  console.log(
    `| ${row.method} | ${row.psnr.toFixed(2)} | ${row.ssim.toFixed(4)} | ${row.secondsPerImage.toFixed(1)} |`,
  );
}
await writeFile(out, JSON.stringify({ testPhotos: testPhotos.map((p) => p.file), summary }, null, 2));

/** Panels side by side with 4 px white gaps: LR (nearest), bicubic, SRResNet, SRGAN, esrgan-slim, HR. */
async function writeStrip(images: tf.Tensor3D[], path: string): Promise<void> {
  const gap = 4;
  const strip = tf.tidy(() => {
    const white = tf.fill([cropSize, gap, 3], 255);
    const parts = images.flatMap((image, index) => (index === 0 ? [image] : [white, image]));
    const rgb = tf.concat(parts, 1);
    return tf
      .concat([rgb, tf.fill([cropSize, rgb.shape[1]!, 1], 255)], 2)
      .round()
      .toInt();
  });
  const [height, width] = strip.shape as [number, number, number];
  await writeImage(path, { width, height, data: new Uint8Array(await strip.data()) });
  strip.dispose();
}
