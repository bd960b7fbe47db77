import type { DcganRunOptions } from './dcgan-run.js';

/**
 * The demo's model: a DCGAN for 28x28 MNIST, narrower than the paper's (filters 32 instead of 64)
 * so that two CPU cores show recognisable digits within about three minutes.
 */
export const demoRun: DcganRunOptions = {
  dataset: 'mnist',
  size: 28,
  channels: 1,
  latentDim: 64,
  filters: 32,
  conditional: false,
  loss: 'non-saturating',
  learningRate: 2e-4,
  batchSize: 64,
  seed: 0,
};
