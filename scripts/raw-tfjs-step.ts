import * as tf from '@tensorflow/tfjs';

/**
 * The hand-written tfjs training loop a user would write without GANForge: gather a batch, one
 * discriminator update (fake images made outside the tape), one generator update, read both losses.
 * `pnpm bench` compares the AdversarialTrainer against it to measure the trainer's overhead.
 */
export function rawTfjsLoop(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  data: tf.Tensor,
  batchSize: number,
  latentDim: number,
) {
  const optimizerG = tf.train.adam(2e-4, 0.5, 0.999);
  const optimizerD = tf.train.adam(2e-4, 0.5, 0.999);
  const variablesG = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const variablesD = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const bce = (logits: tf.Tensor, target: number) =>
    tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, target), logits);
  let step = 0;
  return {
    async step(): Promise<void> {
      const losses = tf.tidy(() => {
        const count = data.shape[0]!;
        const start = (step++ * batchSize) % (count - batchSize + 1);
        const real = tf.gather(data, tf.range(start, start + batchSize, 1, 'int32'));
        const fake = generator.apply(tf.randomNormal([batchSize, latentDim]), { training: true }) as tf.Tensor;
        const lossD = optimizerD.minimize(
          () =>
            bce(discriminator.apply(real, { training: true }) as tf.Tensor, 1).add(
              bce(discriminator.apply(fake, { training: true }) as tf.Tensor, 0),
            ) as tf.Scalar,
          true,
          variablesD,
        )!;
        const lossG = optimizerG.minimize(
          () =>
            bce(
              discriminator.apply(
                generator.apply(tf.randomNormal([batchSize, latentDim]), { training: true }) as tf.Tensor,
                { training: true },
              ) as tf.Tensor,
              1,
            ) as tf.Scalar,
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
