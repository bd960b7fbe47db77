// Decode / encode times of the photos in a folder with the old codecs (pngjs + jpeg-js, pure JS) and
// with sharp (libvips), the pipeline @ganforge/data/node uses. Rounds alternate so both see the same load.
//   npx tsx packages/data/scripts/measure-image-codecs.ts ../shared/data/photos [rounds]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import sharp from 'sharp';

const folder = process.argv[2] ?? '../shared/data/photos';
const rounds = Number(process.argv[3] ?? 3);
const files = readdirSync(folder)
  .filter((name) => /\.(png|jpe?g)$/i.test(name))
  .sort();
const inputs = files.map((name) => readFileSync(join(folder, name)));

type Rgba = { width: number; height: number; data: Uint8Array };

const codecs = {
  'pngjs + jpeg-js': {
    decode: async (bytes: Buffer): Promise<Rgba> => {
      if (bytes[0] === 0x89) {
        const png = PNG.sync.read(bytes);
        return { width: png.width, height: png.height, data: png.data };
      }
      return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    },
    png: async (image: Rgba) => {
      const png = new PNG({ width: image.width, height: image.height });
      png.data = Buffer.from(image.data);
      return PNG.sync.write(png);
    },
    jpeg: async (image: Rgba) => jpeg.encode({ ...image, data: Buffer.from(image.data) }, 90).data,
  },
  sharp: {
    decode: async (bytes: Buffer): Promise<Rgba> => {
      const { data, info } = await sharp(bytes)
        .autoOrient()
        .toColourspace('srgb')
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, data };
    },
    png: (image: Rgba) =>
      sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
        .png()
        .toBuffer(),
    jpeg: (image: Rgba) =>
      sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
        .removeAlpha()
        .jpeg({ quality: 90 })
        .toBuffer(),
  },
};

const totals: Record<string, Record<string, number[]>> = {};
let decoded: Rgba[] = [];
for (let round = 0; round <= rounds; round++) {
  for (const [name, codec] of Object.entries(codecs)) {
    const times = (totals[name] ??= { decode: [], png: [], jpeg: [] });
    let start = performance.now();
    decoded = [];
    for (const bytes of inputs) decoded.push(await codec.decode(bytes));
    const decode = performance.now() - start;
    start = performance.now();
    for (const image of decoded) await codec.png(image);
    const png = performance.now() - start;
    start = performance.now();
    for (const image of decoded) await codec.jpeg(image);
    const jpg = performance.now() - start;
    if (round > 0) {
      // round 0 warms up
      times.decode!.push(decode);
      times.png!.push(png);
      times.jpeg!.push(jpg);
    }
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const megapixels = decoded.reduce((sum, image) => sum + image.width * image.height, 0) / 1e6;
console.log(`${files.length} photos, ${megapixels.toFixed(2)} megapixels; median of ${rounds} rounds (ms):`);
for (const [name, times] of Object.entries(totals)) {
  console.log(
    `${name.padEnd(16)} decode ${median(times.decode!).toFixed(0).padStart(5)}  encode PNG ${median(times.png!).toFixed(0).padStart(5)}  encode JPEG q90 ${median(times.jpeg!).toFixed(0).padStart(5)}`,
  );
}
