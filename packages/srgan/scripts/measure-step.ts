// Times SRResNet (MSE) and SRGAN training steps on the current backend, to size the training schedule.
// Usage: npx tsx packages/srgan/scripts/measure-step.ts --blocks 16 --filters 64 --crop 96 --batch 16
import { useBackend } from '@ganforge/backend-node';
import { AdversarialTrainer, TensorDataset } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import { pixelMseTerm, srganDiscriminator, srresnet } from '../src/index.js';

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const blocks = argument('blocks', 16);
const filters = argument('filters', 64);
const crop = argument('crop', 96);
const batch = argument('batch', 16);
const discriminatorFilters = argument('d-filters', 64);
const steps = argument('steps', 3);

await useBackend();
const generator = srresnet({ blocks, filters, scale: 4 });
const optimizer = tf.train.adam(1e-4);
const lowResolution = tf.randomUniform([batch, crop / 4, crop / 4, 3], -1, 1);
const highResolution = tf.randomUniform([batch, crop, crop, 3], -1, 1);
const time = (run: () => void) => {
  run();
  const started = performance.now();
  for (let step = 0; step < steps; step++) run();
  return (performance.now() - started) / steps;
};
const mseStep = time(() =>
  tf.tidy(() => {
    optimizer
      .minimize(
        () =>
          tf.losses.meanSquaredError(highResolution, generator.apply(lowResolution, { training: true }) as tf.Tensor),
        true,
      )!
      .dataSync();
  }),
);
console.log(`SRResNet-${blocks} f${filters} ${crop}px batch ${batch}: MSE step ${mseStep.toFixed(0)} ms`);
if (discriminatorFilters > 0) {
  const discriminator = srganDiscriminator({ size: crop, filters: discriminatorFilters });
  const trainer = new AdversarialTrainer({
    generator,
    discriminator,
    noise: false,
    generatorInputs: ['input'],
    adversarialWeight: 1e-3,
    generatorTerms: [pixelMseTerm()],
  });
  const data = new TensorDataset({ real: highResolution, input: lowResolution });
  await trainer.fit(data, { batchSize: batch, steps: 1 });
  const started = performance.now();
  await trainer.fit(data, { batchSize: batch, steps });
  console.log(
    `SRGAN step (D filters ${discriminatorFilters}): ${((performance.now() - started) / steps).toFixed(0)} ms`,
  );
}
