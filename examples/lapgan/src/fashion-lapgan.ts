import { LapGan, lapganLevel } from '@ganforge/laplacian';

/** Adam as in DCGAN (Radford et al. 2016, sec. 4), used by every level and by the single-scale baseline. */
export const adam = { type: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 } as const;

/**
 * The LAPGAN of this example, scaled down from the paper's CIFAR-10 models to train on two CPU
 * cores: 28 -> 14 -> 7. Finer levels: 3x3 convolutions with 32 filters (the paper: 5x5, 64 and more);
 * coarsest level: MLPs with 512 hidden units (the paper: 1200 for G). Its generators hold about as
 * many weights (~364k) as the single-scale DCGAN it is compared with (`dcgan({ filters: 32 })`, ~360k).
 */
export function fashionLapGan(options: { classes?: number; seed?: number } = {}): LapGan {
  const trainer = { generatorOptimizer: adam, discriminatorOptimizer: adam, ema: { decay: 0.999 } };
  const fine = lapganLevel({ filters: 32, kernelSize: 3, trainer });
  return new LapGan({
    imageShape: [28, 28, 1],
    levels: [fine, fine, lapganLevel({ hiddenUnits: 512, trainer })],
    ...options,
  });
}
