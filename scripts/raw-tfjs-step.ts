import * as tf from '@tensorflow/tfjs';

import type { BenchModel } from './bench-models.js';

/**
 * The hand-written tfjs training loop a user would write without GANForge: gather a batch, one
 * discriminator update (fake images made outside the tape), one generator update, read both losses.
 * `pnpm bench` compares the AdversarialTrainer against it to measure the trainer's overhead.
 */
export function rawTfjsLoop(
  model: BenchModel,
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  data: { real: tf.Tensor; input?: tf.Tensor },
) {
  const optimizerG = tf.train.adam(2e-4, 0.5, 0.999);
  const optimizerD = tf.train.adam(2e-4, 0.5, 0.999);
  const variablesG = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const variablesD = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const bce = (logits: tf.Tensor, target: number) =>
    tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, target), logits);
  const batchSize = model.batchSize;
  let step = 0;
  return {
    async step(): Promise<void> {
      const losses = tf.tidy(() => {
        const count = data.real.shape[0]!;
        const start = (step++ * batchSize) % (count - batchSize + 1);
        const rows = tf.range(start, start + batchSize, 1, 'int32');
        const real = tf.gather(data.real, rows);
        const generatorInput = () =>
          model.noiseDim ? tf.randomNormal([batchSize, model.noiseDim]) : tf.gather(data.input!, rows);
        const D = (images: tf.Tensor) => discriminator.apply(images, { training: true }) as tf.Tensor;
        const fake = generator.apply(generatorInput(), { training: true }) as tf.Tensor;
        const lossD = optimizerD.minimize(() => bce(D(real), 1).add(bce(D(fake), 0)) as tf.Scalar, true, variablesD)!;
        const lossG = optimizerG.minimize(
          () => {
            const generated = generator.apply(generatorInput(), { training: true }) as tf.Tensor;
            const adversarial = bce(D(generated), 1).mul(model.adversarialWeight);
            return (
              model.noiseDim ? adversarial : adversarial.add(tf.losses.meanSquaredError(real, generated))
            ) as tf.Scalar;
          },
          true,
          variablesG,
        )!;
        return tf.stack([lossD, lossG]);
      });
      await losses.data();
      losses.dispose();
    },
    dispose(): void {
      optimizerG.dispose();
      optimizerD.dispose();
    },
  };
}
