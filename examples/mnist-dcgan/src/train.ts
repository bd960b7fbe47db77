// Trains a DCGAN on MNIST with the GANForge libraries and writes a sample grid.
// Run: pnpm --filter @ganforge/example-mnist-dcgan start [steps] [out.png]
import { useBackend } from '@ganforge/backend-node';
import { AdversarialTrainer, dcgan } from '@ganforge/core';
import { mnistDataset } from '@ganforge/data';
import { loadMnist, saveImageGrid } from '@ganforge/data/node';

const steps = Number(process.argv[2] ?? 500);
const out = process.argv[3] ?? 'samples.png';

await useBackend();
const { generator, discriminator } = dcgan({ size: 28, latentDim: 64, filters: 32 });
const trainer = new AdversarialTrainer({ generator, discriminator, noise: { dim: 64 }, ema: { decay: 0.999 } });
await trainer.fit(mnistDataset(loadMnist({ limit: 10000 })), {
  batchSize: 32,
  steps,
  onStep: (e) => {
    if (e.step % 100 === 0)
      console.log(`step ${e.step}: D ${e.discriminatorLoss.toFixed(3)}, G ${e.generatorLoss.toFixed(3)}`);
  },
});
await saveImageGrid(trainer.generate({ count: 64 }), out);
console.log(`wrote ${out}`);
