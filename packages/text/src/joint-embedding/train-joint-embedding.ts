import * as tf from '@tensorflow/tfjs';

import {
  assertInteger,
  assertIsTensor,
  assertNumberInRange,
  capTrainingSteps,
  finiteOptimizerStep,
  InvalidArgumentError,
  ShapeMismatchError,
  shuffledIndices,
  deriveSeed,
} from '@ganforge/core';

import type { TextEncoder } from '../encoders/text-encoder.js';
import { assertTexts } from '../tokenizers/char-tokenizer.js';
import { dsSjeLoss, type DsSjeLossOptions } from './ds-sje-loss.js';
import { smallImageEncoder } from './image-encoder.js';
import { captionToImageRetrieval, type RetrievalScores } from './retrieval.js';

/** Pictures with captions; several captions may describe one picture. */
export interface CaptionedImages {
  /** [N, H, W, C] in [-1, 1]. */
  readonly images: tf.Tensor4D;
  readonly captions: readonly string[];
  /** The picture of each caption. Default: caption i describes picture i. */
  readonly imageOfCaption?: ArrayLike<number>;
  /** A class per picture; captions of pictures of one class count as matching. Default: one class per picture. */
  readonly classes?: ArrayLike<number>;
}

export interface JointEmbeddingOptions {
  readonly textEncoder: TextEncoder;
  /** theta(v): images to [B, textEncoder.dim]. Default {@link smallImageEncoder}. */
  readonly imageEncoder?: tf.LayersModel;
  readonly train: CaptionedImages;
  /** Held-out pairs for caption-to-image retrieval, measured at the end (and every `evaluateEvery` steps). */
  readonly validation?: CaptionedImages;
  /** Optimizer steps (at most `GANFORGE_MAX_STEPS` when that variable is set). */
  readonly steps: number;
  /** Pairs per step. Default 64. */
  readonly batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  readonly learningRate?: number;
  readonly loss?: DsSjeLossOptions;
  readonly evaluateEvery?: number;
  /** Seed of the pair order. Default 0. */
  readonly seed?: number;
  readonly signal?: AbortSignal;
  onStep?(event: { step: number; loss: number }): void;
  onEvaluate?(event: { step: number; retrieval: RetrievalScores }): void;
}

export interface JointEmbeddingResult {
  readonly imageEncoder: tf.LayersModel;
  readonly steps: number;
  /** DS-SJE loss of the last step. */
  readonly loss: number;
  /** Retrieval on `validation` after the last step. */
  readonly retrieval?: RetrievalScores;
  readonly durationMs: number;
}

/**
 * Trains a text encoder jointly with an image encoder on (image, caption) pairs with the DS-SJE
 * objective (Reed et al. 2016, CVPR), Adam on both, each step inside `tf.tidy`; reports
 * caption-to-image retrieval top-1 / top-5 on held-out pairs.
 *
 * @throws NonFiniteLossError when a step's loss (or a gradient) is NaN or infinite, and
 * NonFiniteWeightError when a BatchNorm statistic would become so: that step is not applied, so both
 * encoders are exactly as after the last good step.
 *
 * @example
 * ```ts
 * const encoder = new CharCnnRnnEncoder({ dim: 128, maxLength: 96, filters: [64, 64, 64], rnnUnits: 64 });
 * const { retrieval } = await trainJointEmbedding({ textEncoder: encoder, train, validation, steps: 500 });
 * console.log(`top-1 ${retrieval!.top1}, top-5 ${retrieval!.top5}`);
 * ```
 */
export async function trainJointEmbedding(options: JointEmbeddingOptions): Promise<JointEmbeddingResult> {
  const textEncoder = options?.textEncoder;
  if (typeof textEncoder?.tokenize !== 'function' || !textEncoder.model) {
    throw new InvalidArgumentError(
      'options.textEncoder',
      'a TextEncoder (e.g. new CharCnnRnnEncoder(...))',
      textEncoder,
    );
  }
  const train = validatePairs(options.train, 'options.train');
  const validation = options.validation ? validatePairs(options.validation, 'options.validation') : undefined;
  assertInteger(options.steps, 0, Number.MAX_SAFE_INTEGER, 'options.steps');
  const batchSize = options.batchSize ?? 64;
  assertInteger(batchSize, 2, train.captions.length, 'options.batchSize');
  const learningRate = options.learningRate ?? 1e-3;
  assertNumberInRange(learningRate, 0, 10, 'options.learningRate');
  const seed = options.seed ?? 0;
  assertInteger(seed, 0, 2 ** 31 - 1, 'options.seed');
  if (options.evaluateEvery !== undefined)
    assertInteger(options.evaluateEvery, 1, Number.MAX_SAFE_INTEGER, 'options.evaluateEvery');
  const [, height, width, channels] = train.images.shape;
  const imageEncoder =
    options.imageEncoder ?? smallImageEncoder({ size: height, channels, dim: textEncoder.dim, seed });
  const imageOutput = imageEncoder.outputs[0]?.shape;
  if (imageOutput?.[1] !== textEncoder.dim) {
    throw new ShapeMismatchError(
      'options.imageEncoder output',
      `[null, ${textEncoder.dim}] (textEncoder.dim)`,
      (imageOutput ?? []).map((d) => d ?? -1),
    );
  }
  if (height !== width)
    throw new ShapeMismatchError('options.train.images', '[N, size, size, channels]', train.images.shape);

  const steps = capTrainingSteps('trainJointEmbedding', options.steps);
  const optimizer = tf.train.adam(learningRate);
  const variables = [...textEncoder.model.trainableWeights, ...imageEncoder.trainableWeights].map(
    (weight) => weight.read() as tf.Variable,
  );
  const started = performance.now();
  let loss = Number.NaN;
  let step = 0;
  let order: Int32Array = new Int32Array(0);
  let cursor = 0;
  let epoch = 0;
  let retrieval: RetrievalScores | undefined;
  try {
    for (; step < steps; step++) {
      if (options.signal?.aborted) break;
      if (cursor + batchSize > order.length) {
        order = shuffledIndices(train.captions.length, deriveSeed(seed, 'joint-embedding', epoch++));
        cursor = 0;
      }
      const captionRows = Array.from(order.subarray(cursor, cursor + batchSize));
      cursor += batchSize;
      const imageRows = captionRows.map((caption) => train.imageOfCaption[caption]!);
      const classes = imageRows.map((image) => train.classes[image]!);
      const [ids, images] = tf.tidy(() => [
        textEncoder.tokenize(captionRows.map((caption) => train.captions[caption]!)),
        tf.gather(train.images, tf.tensor1d(imageRows, 'int32')),
      ]);
      try {
        // Applies the update only if the loss, gradients and BatchNorm statistics are finite, so a
        // failed step leaves both encoders as after the last good one.
        loss = await finiteOptimizerStep({
          optimizer,
          variables,
          models: [textEncoder.model, imageEncoder],
          step: step + 1,
          lossName: 'DS-SJE',
          loss: () => {
            const text = textEncoder.model.apply(ids!, { training: true }) as tf.Tensor2D;
            const image = imageEncoder.apply(images!, { training: true }) as tf.Tensor2D;
            return dsSjeLoss(image, text, classes, options.loss);
          },
        });
      } finally {
        tf.dispose([ids!, images!]);
      }
      options.onStep?.({ step: step + 1, loss });
      if (validation && options.evaluateEvery && (step + 1) % options.evaluateEvery === 0 && step + 1 < steps) {
        options.onEvaluate?.({ step: step + 1, retrieval: await retrievalOn(validation, textEncoder, imageEncoder) });
      }
    }
    if (validation) {
      retrieval = await retrievalOn(validation, textEncoder, imageEncoder);
      options.onEvaluate?.({ step, retrieval });
    }
  } finally {
    optimizer.dispose();
  }
  return { imageEncoder, steps: step, loss, retrieval, durationMs: performance.now() - started };
}

/** Caption-to-image retrieval of a text and an image encoder on captioned pictures. */
export async function retrievalOn(
  pairs: CaptionedImages,
  textEncoder: TextEncoder,
  imageEncoder: tf.LayersModel,
): Promise<RetrievalScores> {
  const checked = validatePairs(pairs, 'pairs');
  const text = encodeInChunks(textEncoder, checked.captions);
  const images = tf.tidy(() => imageEncoder.predict(checked.images, { batchSize: 256 }) as tf.Tensor2D);
  try {
    const captionClasses = Array.from(checked.imageOfCaption, (image) => checked.classes[image]!);
    return await captionToImageRetrieval(text, images, captionClasses, checked.classes);
  } finally {
    tf.dispose([text, images]);
  }
}

/** Embeddings of many captions, 256 at a time, [texts.length, dim]. */
export function encodeInChunks(encoder: TextEncoder, texts: readonly string[], chunk = 256): tf.Tensor2D {
  assertTexts(texts);
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < texts.length; start += chunk)
      parts.push(encoder.encode(texts.slice(start, start + chunk)));
    return tf.concat(parts) as tf.Tensor2D;
  } finally {
    tf.dispose(parts);
  }
}

interface CheckedPairs {
  readonly images: tf.Tensor4D;
  readonly captions: readonly string[];
  readonly imageOfCaption: Int32Array;
  readonly classes: Int32Array;
}

function validatePairs(pairs: CaptionedImages, argument: string): CheckedPairs {
  if (typeof pairs !== 'object' || pairs === null)
    throw new InvalidArgumentError(argument, '{ images, captions, imageOfCaption?, classes? }', pairs);
  assertIsTensor(pairs.images, `${argument}.images`);
  if (pairs.images.rank !== 4)
    throw new ShapeMismatchError(`${argument}.images`, '[N, height, width, channels]', pairs.images.shape);
  assertTexts(pairs.captions, `${argument}.captions`);
  const count = pairs.images.shape[0];
  const imageOfCaption = Int32Array.from(pairs.imageOfCaption ?? pairs.captions.map((_, index) => index));
  if (imageOfCaption.length !== pairs.captions.length) {
    throw new InvalidArgumentError(
      `${argument}.imageOfCaption`,
      `${pairs.captions.length} entries (one per caption)`,
      pairs.imageOfCaption,
    );
  }
  imageOfCaption.forEach((image, caption) =>
    assertInteger(image, 0, count - 1, `${argument}.imageOfCaption[${caption}]`),
  );
  const classes = Int32Array.from(pairs.classes ?? Array.from({ length: count }, (_, index) => index));
  if (classes.length !== count)
    throw new InvalidArgumentError(`${argument}.classes`, `${count} entries (one per picture)`, pairs.classes);
  return { images: pairs.images, captions: pairs.captions, imageOfCaption, classes };
}
