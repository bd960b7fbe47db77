import { fileURLToPath } from 'node:url';

import {
  type AdversarialTrainer,
  adversarialLossNames,
  dcganDiscriminator,
  dcganGenerator,
  gradientPenalty,
  lossByName,
  nonSaturatingLoss,
  r1Penalty,
  TensorDataset,
  type DiscriminatorRegularizer,
} from '@ganforge/core';
import {
  lapganCoarseDiscriminator,
  lapganCoarseGenerator,
  lapganResidualDiscriminator,
  lapganResidualGenerator,
  pyrDown,
  pyrUp,
} from '@ganforge/laplacian';
import type { LapGanLevelSpec } from '@ganforge/laplacian';
import {
  extractFeatures,
  frechetDistance,
  inceptionScore,
  kernelInceptionDistance,
  mnistClassifierLayers,
  parzenLogLikelihood,
  psnr,
  ssim,
} from '@ganforge/metrics';
import { loadMnistClassifier } from '@ganforge/metrics/node';
import {
  layerFeatureExtractor,
  pixelMseLoss,
  srganDiscriminator,
  srganTrainer,
  srresnet,
  totalVariationLoss,
  upscale,
  vgg19,
  vggContentLoss,
} from '@ganforge/srgan';
import { resolveUpscalingModel } from '@ganforge/srgan/node';
import {
  BagOfWordsEncoder,
  CharCnnRnnEncoder,
  CharTokenizer,
  createTextToImageTrainer,
  dsSjeLoss,
  interpolationTerm,
  smallImageEncoder,
  standardizeTextEncoder,
  textToImageModels,
  type TextEncoder,
  WordGruEncoder,
  WordTokenizer,
} from '@ganforge/text';
import * as tf from '@tensorflow/tfjs';

/**
 * What one case computed on one backend: named scalars (losses, metric values) and, where the case
 * trains, the gradient of its loss with respect to every trainable weight, concatenated.
 */
export interface CaseResult {
  readonly values: Readonly<Record<string, number>>;
  readonly gradient?: Float32Array;
}

/** One shipped model, encoder, loss or metric, run forward (and backward where it trains). */
export interface BackendCase {
  readonly kind: 'model' | 'encoder' | 'loss' | 'metric' | 'trainer';
  readonly name: string;
  /** Builds its models and data from fixed seeds on the active backend and runs them. */
  run(): Promise<CaseResult>;
}

/** Uniform values in [-1, 1) from a fixed seed (mulberry32): the same numbers on every backend. */
export function seededValues(seed: number, size: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  });
}

function seededTensor(seed: number, shape: number[], scale = 1, offset = 0): tf.Tensor {
  const values = seededValues(seed, tf.util.sizeFromShape(shape)).map((v) => v * scale + offset);
  return tf.tensor(values, shape);
}

/**
 * Overwrites every weight of `model` with seeded values, so that each backend runs the same
 * network whatever its initialisers compute on that backend (QR for orthogonal kernels runs on the
 * backend itself): kernels uniform with He et al.'s variance 2/fan-in (so that 16 ReLU layers of
 * VGG19 still pass a signal), biases and means small, scales and variances near 1.
 */
function setSeededWeights(model: tf.LayersModel, seed: number): void {
  model.weights.forEach((weight, index) => {
    const shape = weight.shape as number[];
    const size = tf.util.sizeFromShape(shape);
    const u = seededValues(seed * 1000 + index, size);
    const name = weight.originalName;
    let values: Float32Array;
    if (/moving_variance|gamma/.test(name)) values = u.map((v) => 1 + 0.2 * v);
    else if (/moving_mean|beta|bias/.test(name)) values = u.map((v) => 0.1 * v);
    else if (/alpha/.test(name)) values = u.map((v) => 0.2 + 0.05 * v);
    else {
      const fanIn = shape.length < 2 ? 1 : size / shape[shape.length - 1]!;
      values = u.map((v) => v * Math.sqrt(6 / fanIn));
    }
    weight.write(tf.tensor(values, shape, weight.dtype));
  });
}

function train(model: tf.LayersModel, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return model.apply(inputs, { training: true }) as tf.Tensor;
}

/**
 * The loss's value and its gradient with respect to `variables` (all trainable weights of the
 * models involved), concatenated in order.
 */
async function lossAndGradient(
  variables: readonly tf.Variable[],
  loss: () => tf.Scalar,
  extra: Record<string, number> = {},
): Promise<CaseResult> {
  const { value, grads } = tf.variableGrads(loss, [...variables]);
  const parts = await Promise.all(
    variables.map(async (variable) => {
      const gradient = grads[variable.name];
      // A weight the loss does not reach gets no entry: zeros, as on every backend.
      return gradient === undefined ? new Float32Array(variable.size) : ((await gradient.data()) as Float32Array);
    }),
  );
  const gradient = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    gradient.set(part, offset);
    offset += part.length;
  }
  const result = { values: { ...extra, loss: (await value.data())[0]! }, gradient };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

function trainableVariables(...models: tf.LayersModel[]): tf.Variable[] {
  return models.flatMap((model) => model.trainableWeights.map((weight) => weight.read() as tf.Variable));
}

/** G's non-saturating loss plus D's loss on a real and a fake batch: gradients reach both models. */
function adversarialCase(
  name: string,
  build: () => {
    generator: tf.LayersModel;
    discriminator: tf.LayersModel;
    generatorInputs: tf.Tensor[];
    real: tf.Tensor;
    condition?: tf.Tensor;
  },
): BackendCase {
  return {
    kind: 'model',
    name,
    run: async () => {
      const { generator, discriminator, generatorInputs, real, condition } = build();
      setSeededWeights(generator, 1);
      setSeededWeights(discriminator, 2);
      const loss = nonSaturatingLoss();
      const judge = (images: tf.Tensor) => train(discriminator, condition === undefined ? images : [images, condition]);
      return lossAndGradient(trainableVariables(generator, discriminator), () => {
        const fake = train(generator, generatorInputs);
        const fakeLogits = judge(fake);
        return tf.add(loss.generator(fakeLogits), loss.discriminator(judge(real), fakeLogits)) as tf.Scalar;
      });
    },
  };
}

const batch = 2;

const dcganCases = ([28, 32, 64] as const).flatMap((size) =>
  [undefined, 3].map((conditionDim) =>
    adversarialCase(`DCGAN-${size}${conditionDim ? ' conditional' : ''} G + D`, () => {
      const options = { size, channels: size === 28 ? 1 : 3, latentDim: 6, filters: 2, conditionDim, seed: 3 };
      const condition = conditionDim === undefined ? undefined : seededTensor(4, [batch, conditionDim]);
      const noise = seededTensor(5, [batch, 6]);
      return {
        generator: dcganGenerator(options),
        discriminator: dcganDiscriminator(options),
        generatorInputs: condition === undefined ? [noise] : [noise, condition],
        real: seededTensor(6, [batch, size, size, options.channels]),
        condition,
      };
    }),
  ),
);

function lapganSpec(coarsest: boolean, classes: number): LapGanLevelSpec {
  const size = coarsest ? 4 : 8;
  return {
    level: coarsest ? 1 : 0,
    levels: 2,
    coarsest,
    height: size,
    width: size,
    channels: 1,
    noiseDim: coarsest ? 5 : size * size,
    conditionChannels: coarsest ? 0 : 1 + classes,
    classes,
    seed: 7,
  };
}

const lapganCases = [0, 3].flatMap((classes) => [
  adversarialCase(`LAPGAN coarsest level${classes ? ', class-conditional' : ''} G + D`, () => {
    const spec = lapganSpec(true, classes);
    const condition = classes ? tf.oneHot(tf.tensor1d([0, 2], 'int32'), classes).toFloat() : undefined;
    const noise = seededTensor(8, [batch, spec.noiseDim]);
    return {
      generator: lapganCoarseGenerator(spec, { hiddenUnits: 6 }),
      discriminator: lapganCoarseDiscriminator(spec, { hiddenUnits: 6 }),
      generatorInputs: condition === undefined ? [noise] : [noise, condition],
      real: seededTensor(9, [batch, 4, 4, 1]),
      condition,
    };
  }),
  adversarialCase(
    `LAPGAN residual level${classes ? ', class-conditional' : ''} G + D (pyrDown/pyrUp condition)`,
    () => {
      const spec = lapganSpec(false, classes);
      const image = seededTensor(10, [batch, 8, 8, 1]) as tf.Tensor4D;
      const upsampled = pyrUp(pyrDown(image));
      const planes = classes ? [seededTensor(11, [batch, 8, 8, classes]).greater(0).toFloat()] : [];
      const condition = tf.concat([upsampled, ...planes], 3);
      return {
        generator: lapganResidualGenerator(spec, { filters: 3, kernelSize: 3 }),
        discriminator: lapganResidualDiscriminator(spec, { filters: 3, kernelSize: 3 }),
        generatorInputs: [seededTensor(12, [batch, spec.noiseDim]), condition],
        real: image.sub(upsampled),
        condition,
      };
    },
  ),
]);

const textToImageOptions = {
  size: 16,
  channels: 3,
  embeddingDim: 6,
  compressedDim: 4,
  latentDim: 5,
  filters: 2,
} as const;

const textToImageCase = adversarialCase('text-to-image GAN (Reed et al.) G + D', () => {
  const models = textToImageModels({ ...textToImageOptions, seed: 1 });
  const condition = seededTensor(13, [batch, 6]);
  return {
    ...models,
    generatorInputs: [seededTensor(14, [batch, 5]), condition],
    real: seededTensor(15, [batch, 16, 16, 3]),
    condition,
  };
});

const srganCases = ([2, 4] as const).map((scale) =>
  adversarialCase(`SRResNet x${scale} + SRGAN discriminator`, () => ({
    generator: srresnet({ blocks: 2, scale, filters: 4, channels: 3, seed: 1 }),
    // 16 is the discriminator's smallest size (four stride-2 convolutions).
    discriminator: srganDiscriminator({ size: 16, channels: 3, filters: 2, denseUnits: 6, seed: 2 }),
    generatorInputs: [seededTensor(16, [batch, 16 / scale, 16 / scale, 3])],
    real: seededTensor(17, [batch, 16, 16, 3]),
  })),
);

const esrganCase: BackendCase = {
  kind: 'model',
  name: 'UpscalerJS @upscalerjs/esrgan-slim x4 through resolveUpscalingModel + upscale (inference only)',
  run: async () => {
    const srganRoot = fileURLToPath(new URL('../../../srgan/', import.meta.url));
    const esrgan = await resolveUpscalingModel('@upscalerjs/esrgan-slim', { scale: 4, from: srganRoot });
    const image = tf.tidy(() => seededTensor(18, [10, 10, 3], 100, 128)) as tf.Tensor3D;
    const result = await upscale(esrgan, image, { patchSize: 10 });
    const values = { mean: (await result.mean().data())[0]!, norm: (await result.norm().data())[0]! };
    tf.dispose([image, result]);
    esrgan.model.dispose();
    return { values };
  },
};

const captions = [
  'a small red circle on the left',
  'a big blue square in the middle',
  'a small green triangle at the top',
  'a big red square on the right',
];

/**
 * DS-SJE (Reed et al. 2016, the loss the CLI trains every text encoder with) between the encoder's
 * caption embeddings and a small image encoder's: gradients reach both.
 */
function encoderCase(name: string, build: () => TextEncoder): BackendCase {
  return {
    kind: 'encoder',
    name,
    run: async () => {
      const encoder = build();
      const images = smallImageEncoder({ size: 8, channels: 3, dim: encoder.dim, filters: 2, seed: 1 });
      setSeededWeights(encoder.model, 3);
      setSeededWeights(images, 4);
      const tokens = encoder.tokenize(captions);
      const pictures = seededTensor(19, [captions.length, 8, 8, 3]);
      const result = await lossAndGradient(trainableVariables(encoder.model, images), () =>
        dsSjeLoss(train(images, pictures) as tf.Tensor2D, train(encoder.model, tokens) as tf.Tensor2D, [0, 1, 2, 0]),
      );
      // Inference as the GAN sees it: standardised embeddings of the training captions.
      const standardized = standardizeTextEncoder(encoder, captions);
      const embeddings = standardized.encode(captions);
      const values = { ...result.values, embeddingNorm: (await embeddings.norm().data())[0]! };
      tf.dispose([tokens, pictures, embeddings]);
      images.dispose();
      encoder.dispose();
      return { ...result, values };
    },
  };
}

const wordTokenizer = () => WordTokenizer.fromCorpus(captions, { maxLength: 8 });

const encoderCases = [
  ...(['gru', 'lstm', 'simple'] as const).map((cell) =>
    encoderCase(
      `char-CNN-RNN encoder (${cell})`,
      () =>
        new CharCnnRnnEncoder({
          dim: 6,
          tokenizer: new CharTokenizer({ maxLength: 40 }),
          filters: [4, 4, 4],
          kernelSize: 3,
          poolSize: 2,
          rnnUnits: 3,
          cell,
          seed: 1,
        }),
    ),
  ),
  encoderCase(
    'word-GRU encoder',
    () => new WordGruEncoder({ tokenizer: wordTokenizer(), dim: 6, wordDim: 4, units: 3, seed: 1 }),
  ),
  encoderCase('bag-of-words encoder', () => new BagOfWordsEncoder({ tokenizer: wordTokenizer(), dim: 6, seed: 1 })),
];

/** Gradients of a loss of discriminator outputs with respect to those outputs. */
function logitLossCase(name: string, loss: (real: tf.Tensor, fake: tf.Tensor) => tf.Scalar): BackendCase {
  return {
    kind: 'loss',
    name,
    run: async () => {
      const real = tf.variable(seededTensor(20, [4, 1], 3));
      const fake = tf.variable(seededTensor(21, [4, 1], 3));
      const result = await lossAndGradient([real, fake], () => loss(real, fake));
      tf.dispose([real, fake]);
      return result;
    },
  };
}

const adversarialLossCases = adversarialLossNames.flatMap((lossName) => [
  logitLossCase(`${lossName} loss, discriminator`, (real, fake) => lossByName(lossName).discriminator(real, fake)),
  logitLossCase(`${lossName} loss, generator`, (real, fake) => lossByName(lossName).generator(fake, real)),
]);

/** A penalty's gradient with respect to the critic's weights: double backprop through the critic. */
function penaltyCase(name: string, regularizer: DiscriminatorRegularizer): BackendCase {
  return {
    kind: 'loss',
    name,
    run: async () => {
      const critic = dcganDiscriminator({ size: 28, channels: 1, filters: 2, seed: 1 });
      setSeededWeights(critic, 5);
      const real = seededTensor(22, [batch, 28, 28, 1]);
      const fake = seededTensor(23, [batch, 28, 28, 1]);
      const result = await lossAndGradient(trainableVariables(critic), () =>
        regularizer.penalty({ real, fake, seed: 3, discriminate: (images) => train(critic, images) }),
      );
      tf.dispose([real, fake]);
      critic.dispose();
      return result;
    },
  };
}

function imageLossCase(
  name: string,
  loss: (generated: tf.Tensor4D, target: tf.Tensor4D) => tf.Scalar,
  size = 8,
  images = batch,
): BackendCase {
  return {
    kind: 'loss',
    name,
    run: async () => {
      const generated = tf.variable(seededTensor(24, [images, size, size, 3]));
      const target = seededTensor(25, [images, size, size, 3]) as tf.Tensor4D;
      const result = await lossAndGradient([generated], () => loss(generated as tf.Tensor4D, target));
      tf.dispose([generated, target]);
      return result;
    },
  };
}

function vggCase(layer: string): BackendCase {
  return {
    kind: 'loss',
    name: `VGG19 content loss at ${layer} (features / 12.75)`,
    run: async () => {
      const model = vgg19({ layer, seed: 1 });
      setSeededWeights(model, 6);
      const extractor = layerFeatureExtractor({ model, layer });
      // 16 x 16 is the smallest input block5 accepts (four 2x2 poolings); one image keeps cpu quick.
      const result = await imageLossCase(layer, vggContentLoss(extractor), 16, 1).run();
      extractor.dispose();
      return result;
    },
  };
}

const interpolationCase: BackendCase = {
  kind: 'loss',
  name: 'GAN-INT interpolation term (Reed et al. eq. 5)',
  run: async () => {
    const { generator, discriminator } = textToImageModels({ ...textToImageOptions, seed: 1 });
    setSeededWeights(generator, 7);
    setSeededWeights(discriminator, 8);
    const condition = seededTensor(26, [3, 6]);
    const noise = seededTensor(27, [3, 5]);
    const term = interpolationTerm();
    const result = await lossAndGradient(trainableVariables(generator), () =>
      term.compute({
        fake: train(generator, [noise, condition]),
        batch: { real: seededTensor(28, [3, 16, 16, 3]), condition },
        noise,
        generate: (inputs) => train(generator, [inputs.noise!, inputs.condition!]),
        discriminate: (images, imageCondition) => train(discriminator, [images, imageCondition!]),
        loss: nonSaturatingLoss(),
        seed: 1,
      }),
    );
    tf.dispose([condition, noise]);
    generator.dispose();
    discriminator.dispose();
    return result;
  },
};

const lossCases = [
  ...adversarialLossCases,
  penaltyCase('WGAN-GP gradient penalty (double backprop through a DCGAN-28 critic)', gradientPenalty()),
  penaltyCase('R1 penalty (double backprop through a DCGAN-28 critic)', r1Penalty()),
  imageLossCase('pixel MSE content loss', pixelMseLoss),
  imageLossCase('total variation loss', (generated) => totalVariationLoss(generated)),
  vggCase('block2_conv2'),
  vggCase('block5_conv4'),
  interpolationCase,
];

/** Forward-only metric cases; images are [-1, 1]. */
function metricCase(name: string, compute: () => Promise<Record<string, number>>): BackendCase {
  return { kind: 'metric', name, run: async () => ({ values: await compute() }) };
}

const metricCases = [
  metricCase('Parzen-window log-likelihood', async () => {
    const samples = seededTensor(29, [20, 16]);
    const test = seededTensor(30, [7, 16]);
    const validation = seededTensor(31, [5, 16]);
    const result = await parzenLogLikelihood(samples, test, { validation, sigmas: [0.2, 0.5, 1] });
    tf.dispose([samples, test, validation]);
    return { mean: result.mean, stdErr: result.stdErr, sigma: result.sigma };
  }),
  metricCase('PSNR and SSIM (Y channel, border crop)', async () => {
    const a = seededTensor(32, [batch, 24, 24, 3]);
    const b = tf.tidy(() => a.add(seededTensor(33, [batch, 24, 24, 3], 0.1)).clipByValue(-1, 1));
    const values = {
      psnr: (await psnr(a, b, { cropBorder: 2 })).mean,
      ssim: (await ssim(a, b, { cropBorder: 2 })).mean,
    };
    tf.dispose([a, b]);
    return values;
  }),
  metricCase('MNIST classifier (committed weights): FID, KID and Inception Score features', async () => {
    const classifier = await loadMnistClassifier();
    // 20 images: two Inception Score splits of at least 10 rows (one per class) each.
    const a = seededTensor(34, [20, 28, 28, 1]);
    const b = seededTensor(35, [20, 28, 28, 1], 0.8);
    const featuresA = await extractFeatures(classifier, a, { layer: mnistClassifierLayers.features });
    const featuresB = await extractFeatures(classifier, b, { layer: mnistClassifierLayers.features });
    const probabilities = await extractFeatures(classifier, a, { layer: mnistClassifierLayers.probabilities });
    const fid = await frechetDistance(featuresA, featuresB);
    const kid = await kernelInceptionDistance(featuresA, featuresB, { subsets: 3, subsetSize: 10, seed: 1 });
    const is = await inceptionScore(probabilities, { splits: 2 });
    const values = {
      featureNorm: (await featuresA.norm().data())[0]!,
      fid: fid.distance,
      kid: kid.mean,
      inceptionScore: is.mean,
    };
    tf.dispose([a, b, featuresA, featuresB, probabilities]);
    classifier.dispose();
    return values;
  }),
];

/** MNIST classifier topology, trained by cross-entropy (the committed weights come from such a run). */
const classifierTrainingCase: BackendCase = {
  kind: 'metric',
  name: 'MNIST classifier forward + backward (cross-entropy)',
  run: async () => {
    const classifier = await loadMnistClassifier();
    const images = seededTensor(36, [4, 28, 28, 1]);
    const labels = tf.oneHot(tf.tensor1d([3, 1, 4, 1], 'int32'), 10);
    const result = await lossAndGradient(
      trainableVariables(classifier),
      () => tf.losses.softmaxCrossEntropy(labels, tf.log(train(classifier, images).add(1e-7))) as tf.Scalar,
    );
    tf.dispose([images, labels]);
    classifier.dispose();
    return result;
  },
};

/** Two steps of the real trainer (Adam updates, every hook the family sets): both losses of each step. */
function trainerCase(name: string, build: () => { trainer: AdversarialTrainer; data: TensorDataset }): BackendCase {
  return {
    kind: 'trainer',
    name,
    run: async () => {
      const { trainer, data } = build();
      setSeededWeights(trainer.generator, 9);
      setSeededWeights(trainer.discriminator, 10);
      const values: Record<string, number> = {};
      await trainer.fit(data, {
        batchSize: batch,
        steps: 2,
        onStep: (event) => {
          values[`D loss, step ${event.step}`] = event.discriminatorLoss;
          values[`G loss, step ${event.step}`] = event.generatorLoss;
        },
      });
      trainer.dispose();
      trainer.generator.dispose();
      trainer.discriminator.dispose();
      return { values };
    },
  };
}

const trainerCases = [
  trainerCase('text-to-image GAN-INT-CLS trainer, 2 steps (matching-aware D, interpolation term)', () => ({
    trainer: createTextToImageTrainer('gan-int-cls', textToImageOptions, { seed: 1 }),
    data: new TensorDataset({ real: seededTensor(37, [4, 16, 16, 3]), condition: seededTensor(38, [4, 6]) }),
  })),
  trainerCase('SRGAN trainer, 2 steps (MSE content + 1e-3 adversarial + TV)', () => ({
    trainer: srganTrainer({
      generator: srresnet({ blocks: 1, scale: 2, filters: 4, seed: 1 }),
      discriminator: srganDiscriminator({ size: 16, filters: 2, denseUnits: 4, seed: 2 }),
      totalVariationWeight: 1e-3,
      seed: 1,
    }),
    data: new TensorDataset({ real: seededTensor(39, [4, 16, 16, 3]), input: seededTensor(40, [4, 8, 8, 3]) }),
  })),
];

/**
 * Every shipped model, text encoder, loss and metric, as cases a backend must run like `cpu` does.
 * A new model, encoder, loss or metric gets a row here.
 */
export const everyModelCases: readonly BackendCase[] = [
  ...dcganCases,
  ...lapganCases,
  textToImageCase,
  ...srganCases,
  esrganCase,
  ...encoderCases,
  ...lossCases,
  ...metricCases,
  classifierTrainingCase,
  ...trainerCases,
];
