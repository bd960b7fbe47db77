import type { DcganRunOptions } from './dcgan-run.js';

/**
 * The demo's model: a DCGAN for 28x28 MNIST, narrower than the paper's (filters 32 instead of 64)
 * and with batch 32 and learning rate 3e-4, so that two CPU cores make about 1,900 updates in three
 * minutes: the number a DCGAN of this size needs before its digits are recognisable (measured).
 */
export const demoRun: DcganRunOptions = {
  dataset: 'mnist',
  size: 28,
  channels: 1,
  latentDim: 64,
  filters: 32,
  conditional: false,
  loss: 'non-saturating',
  learningRate: 3e-4,
  batchSize: 32,
  seed: 0,
};
