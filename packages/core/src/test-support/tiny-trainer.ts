import { AdversarialTrainer } from '../trainer/adversarial-trainer.js';
import type { AdversarialTrainerOptions } from '../trainer/trainer-options.js';
import { tinyDiscriminator, tinyGenerator } from './tiny-models.js';

/**
 * An unconditional trainer of the tiny models (noise of `noiseDim` values, default 3, into
 * {@link tinyGenerator}, which has BatchNorm; {@link tinyDiscriminator}). `options` adds or overrides
 * settings: tests pass their seed and EMA here, so the values a fixture was written with stay visible.
 */
export function tinyTrainer(options: Partial<AdversarialTrainerOptions> = {}, noiseDim = 3): AdversarialTrainer {
  return new AdversarialTrainer({
    generator: tinyGenerator({ noiseDim }),
    discriminator: tinyDiscriminator(),
    noise: { dim: noiseDim },
    ...options,
  });
}
