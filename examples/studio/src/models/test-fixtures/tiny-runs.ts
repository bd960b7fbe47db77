import { AdversarialTrainer, encodeCheckpoint, TensorDataset } from '@ganforge/core';
import { BagOfWordsEncoder, textEncoderToJson, WordTokenizer } from '@ganforge/text';
import * as tf from '@tensorflow/tfjs';

/**
 * The bytes of a real checkpoint of two tiny dense models trained `steps` steps, with `metadata` as
 * a `ganforge train` command records it (the import reads the family from it).
 */
export async function tinyCheckpoint(metadata: Record<string, unknown>, steps = 0): Promise<Uint8Array> {
  await tf.setBackend('cpu');
  const generator = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 4, activation: 'tanh' })] });
  const discriminator = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 1 })] });
  const trainer = new AdversarialTrainer({ generator, discriminator, noise: { dim: 2 }, seed: 1 });
  const real = tf.randomUniform([8, 4], -1, 1, 'float32', 5);
  try {
    if (steps > 0) await trainer.fit(new TensorDataset({ real }), { batchSize: 4, steps });
    return encodeCheckpoint(await trainer.checkpoint(metadata));
  } finally {
    real.dispose();
    generator.dispose();
    discriminator.dispose();
  }
}

/** A `text-encoder.json` of a small bag-of-words encoder with embeddings of `dim` values. */
export async function tinyTextEncoderJson(dim: number): Promise<Uint8Array> {
  await tf.setBackend('cpu');
  const encoder = new BagOfWordsEncoder({
    tokenizer: WordTokenizer.fromCorpus(['a red circle', 'a blue square']),
    dim,
  });
  try {
    return new TextEncoder().encode(await textEncoderToJson(encoder));
  } finally {
    encoder.dispose();
  }
}

/** `metadata` of each family, as the CLI writes it (packages/cli/src/run-metadata.ts). */
export const cliMetadata = {
  dcgan: { run: { dataset: 'mnist', size: 28, channels: 1, latentDim: 2, filters: 4, conditional: false, seed: 0 } },
  lapgan: (level: number, levels: number, seed = 0) => ({
    run: {
      model: 'lapgan',
      dataset: 'mnist',
      size: 28,
      channels: 1,
      levels,
      filters: 4,
      kernelSize: 3,
      hiddenUnits: 16,
      conditional: false,
      seed,
    },
    lapgan: { level, levels, imageShape: [28 >> level, 28 >> level, 1], classes: 0 },
  }),
  text2img: (embeddingDim: number) => ({
    run: {
      model: 'text2img',
      dataset: 'shapes',
      encoder: 'bag-of-words',
      size: 16,
      filters: 4,
      embeddingDim,
      latentDim: 2,
    },
  }),
  srgan: {
    run: { images: 'photos', scale: '2', crop: 24, blocks: 1, filters: 4, discriminatorFilters: 4 },
    upscaling: { scale: 2, padding: 4 },
  },
};

/** `model/model.json` and `model/weights.bin` of a tiny tfjs layers model, as `model.save` writes them to a folder. */
export async function tinyLayersModelFiles(): Promise<{ modelJson: Uint8Array; weights: Uint8Array }> {
  await tf.setBackend('cpu');
  const model = tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [null, null, 3], filters: 3, kernelSize: 3, padding: 'same' })],
  });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(
      async (artifacts) => (
        (saved = artifacts),
        { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
      ),
    ),
  );
  model.dispose();
  const json = {
    modelTopology: saved!.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: saved!.weightSpecs }],
  };
  return {
    modelJson: new TextEncoder().encode(JSON.stringify(json)),
    weights: new Uint8Array(saved!.weightData as ArrayBuffer),
  };
}
