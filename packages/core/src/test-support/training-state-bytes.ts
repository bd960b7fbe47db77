import type { AdversarialTrainer } from '../trainer/adversarial-trainer.js';

/**
 * A trainer's whole training state as bytes, through its checkpoint: both models' weights (with
 * BatchNorm statistics), both optimizers' iteration counts and slots, the EMA weights and the
 * counters. Two trainers with equal state bytes continue identically.
 */
export async function trainingStateBytes(trainer: AdversarialTrainer) {
  const checkpoint = await trainer.checkpoint();
  const bytes = (buffer: ArrayBuffer | undefined) => (buffer ? Array.from(new Uint8Array(buffer)) : undefined);
  return {
    counters: { step: checkpoint.step, epoch: checkpoint.epoch, batchInEpoch: checkpoint.batchInEpoch },
    generator: bytes(checkpoint.generator.weightData),
    discriminator: bytes(checkpoint.discriminator.weightData),
    generatorEma: bytes(checkpoint.generatorEma?.data),
    generatorOptimizer: bytes(checkpoint.optimizers.generator.data),
    discriminatorOptimizer: bytes(checkpoint.optimizers.discriminator.data),
  };
}
