import * as tf from '@tensorflow/tfjs';

import {
  assertInteger,
  assertIsTensor,
  assertNumberInRange,
  capTrainingSteps,
  deriveSeed,
  finiteOptimizerStep,
  InvalidArgumentError,
  ShapeMismatchError,
  shuffledIndices,
} from '@ganforge/core';

/** An attribute the classifier predicts, with its number of values. */
export interface AttributeSpec {
  readonly name: string;
  readonly values: number;
}

export interface AttributeClassifierOptions {
  /** Image side. */
  readonly size: number;
  /** Image channels. Default 3. */
  readonly channels?: number;
  readonly attributes: readonly AttributeSpec[];
  /** Filters of the first convolution, doubled by each of the three stride-2 convolutions. Default 16. */
  readonly filters?: number;
  readonly seed?: number;
}

/**
 * A small CNN with one softmax head per attribute (shared trunk: three stride-2 convolutions with
 * ReLU, a dense layer of 64): the judge that tells which attributes a picture shows.
 */
export function attributeClassifier(options: AttributeClassifierOptions): tf.LayersModel {
  const channels = options.channels ?? 3;
  const filters = options.filters ?? 16;
  const seed = options.seed ?? 0;
  assertInteger(options?.size, 8, 4096, 'options.size');
  assertInteger(channels, 1, 4, 'options.channels');
  assertInteger(filters, 1, 1024, 'options.filters');
  assertAttributes(options.attributes);
  // From 1: tfjs treats an initializer seed of 0 as no seed (`seed ? seed : Math.random()`).
  let next = seed * 1000 + 1;
  const init = () => tf.initializers.heNormal({ seed: next++ });
  const image = tf.input({ shape: [options.size, options.size, channels], name: 'image' });
  let x: tf.SymbolicTensor = image;
  for (let stage = 0; stage < 3; stage++) {
    x = tf.layers
      .conv2d({
        filters: filters * 2 ** stage,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
      })
      .apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  const heads = options.attributes.map(
    (attribute) =>
      tf.layers
        .dense({ units: attribute.values, kernelInitializer: init(), name: `${attribute.name}_logits` })
        .apply(x) as tf.SymbolicTensor,
  );
  return tf.model({ inputs: image, outputs: heads, name: 'attribute_classifier' });
}

export interface TrainAttributeClassifierOptions {
  readonly model: tf.LayersModel;
  readonly attributes: readonly AttributeSpec[];
  /** [N, H, W, C] in [-1, 1]. */
  readonly images: tf.Tensor4D;
  /** Per attribute (by name), the value index of each picture. */
  readonly labels: Readonly<Record<string, ArrayLike<number>>>;
  /** Optimizer steps (at most `GANFORGE_MAX_STEPS` when that variable is set). */
  readonly steps: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  readonly learningRate?: number;
  readonly seed?: number;
}

/**
 * Trains {@link attributeClassifier} with the sum of the heads' softmax cross-entropies; returns the last loss.
 *
 * @throws NonFiniteLossError when a step's loss (or a gradient) is NaN or infinite: that step is
 * not applied, so `model` is exactly as after the last good step.
 */
export async function trainAttributeClassifier(options: TrainAttributeClassifierOptions): Promise<number> {
  const { model, attributes, images } = options;
  assertAttributes(attributes);
  assertIsTensor(images, 'options.images');
  const count = images.shape[0];
  const labels = checkLabels(options.labels, attributes, count, 'options.labels');
  assertInteger(options.steps, 0, Number.MAX_SAFE_INTEGER, 'options.steps');
  const batchSize = options.batchSize ?? 64;
  assertInteger(batchSize, 1, count, 'options.batchSize');
  const learningRate = options.learningRate ?? 1e-3;
  assertNumberInRange(learningRate, 0, 10, 'options.learningRate');
  const seed = options.seed ?? 0;
  const steps = capTrainingSteps('trainAttributeClassifier', options.steps);
  const optimizer = tf.train.adam(learningRate);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  let order: Int32Array = new Int32Array(0);
  let cursor = 0;
  let epoch = 0;
  let loss = Number.NaN;
  try {
    for (let step = 0; step < steps; step++) {
      if (cursor + batchSize > order.length) {
        order = shuffledIndices(count, deriveSeed(seed, 'attribute-classifier', epoch++));
        cursor = 0;
      }
      const rows = order.slice(cursor, cursor + batchSize);
      cursor += batchSize;
      const [batch, ...targets] = tf.tidy(() => [
        tf.gather(images, tf.tensor1d(rows, 'int32')),
        ...labels.map((values, head) =>
          tf.oneHot(
            tf.tensor1d(
              Array.from(rows, (row) => values[row]!),
              'int32',
            ),
            attributes[head]!.values,
          ),
        ),
      ]);
      try {
        // Applies the update only if the loss and gradients are finite, so a failed step leaves
        // the model as after the last good one.
        loss = await finiteOptimizerStep({
          optimizer,
          variables,
          models: [model],
          step: step + 1,
          lossName: 'attribute classifier',
          loss: () => {
            const outputs = model.apply(batch!, { training: true }) as tf.Tensor | tf.Tensor[];
            const logits = Array.isArray(outputs) ? outputs : [outputs];
            return tf.addN(
              logits.map((head, index) => tf.losses.softmaxCrossEntropy(targets[index]!, head)),
            ) as tf.Scalar;
          },
        });
      } finally {
        tf.dispose([batch!, ...targets]);
      }
    }
  } finally {
    optimizer.dispose();
  }
  return loss;
}

/** Predicted value index per attribute and picture. */
export async function predictAttributes(
  model: tf.LayersModel,
  attributes: readonly AttributeSpec[],
  images: tf.Tensor4D,
): Promise<Int32Array[]> {
  assertAttributes(attributes);
  assertIsTensor(images, 'images');
  const predictions = tf.tidy(() => {
    const outputs = model.predict(images, { batchSize: 256 }) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(outputs) ? outputs : [outputs]).map((logits) => logits.argMax(1));
  });
  if (predictions.length !== attributes.length) {
    tf.dispose(predictions);
    throw new InvalidArgumentError('model', `${attributes.length} outputs (one per attribute)`, model);
  }
  const result = await Promise.all(predictions.map(async (tensor) => Int32Array.from(await tensor.data())));
  tf.dispose(predictions);
  return result;
}

export interface AttributeAccuracy {
  /** Per attribute, the fraction of pictures whose predicted value is the expected one. */
  readonly perAttribute: Readonly<Record<string, number>>;
  /** Fraction of pictures with every attribute right. */
  readonly all: number;
  /** Fraction with the attributes named in `jointly` all right (e.g. colour and shape). */
  readonly joint?: number;
}

/**
 * How often the classifier sees in `images` the attribute values `expected` asks for.
 *
 * @example
 * ```ts
 * const accuracy = await attributeAccuracy(classifier, attributes, generated, expected, ['colour', 'shape']);
 * ```
 */
export async function attributeAccuracy(
  model: tf.LayersModel,
  attributes: readonly AttributeSpec[],
  images: tf.Tensor4D,
  expected: Readonly<Record<string, ArrayLike<number>>>,
  jointly?: readonly string[],
): Promise<AttributeAccuracy> {
  const count = images?.shape?.[0] ?? 0;
  const labels = checkLabels(expected, attributes, count, 'expected');
  const predicted = await predictAttributes(model, attributes, images);
  const jointHeads = (jointly ?? []).map((name) => {
    const index = attributes.findIndex((attribute) => attribute.name === name);
    if (index < 0)
      throw new InvalidArgumentError('jointly', `names from ${attributes.map((a) => a.name).join(', ')}`, name);
    return index;
  });
  const perAttribute: Record<string, number> = {};
  attributes.forEach((attribute, head) => {
    let right = 0;
    for (let i = 0; i < count; i++) if (predicted[head]![i] === labels[head]![i]) right++;
    perAttribute[attribute.name] = right / count;
  });
  const fraction = (heads: number[]) => {
    let right = 0;
    for (let i = 0; i < count; i++) if (heads.every((head) => predicted[head]![i] === labels[head]![i])) right++;
    return right / count;
  };
  return {
    perAttribute,
    all: fraction(attributes.map((_, head) => head)),
    ...(jointly ? { joint: fraction(jointHeads) } : {}),
  };
}

function assertAttributes(attributes: readonly AttributeSpec[]): void {
  if (!Array.isArray(attributes) || attributes.length === 0) {
    throw new InvalidArgumentError('attributes', 'a non-empty array of { name, values }', attributes);
  }
  attributes.forEach((attribute, index) => {
    if (typeof attribute?.name !== 'string')
      throw new InvalidArgumentError(`attributes[${index}].name`, 'a string', attribute?.name);
    assertInteger(attribute.values, 2, 1 << 16, `attributes[${index}].values`);
  });
}

function checkLabels(
  labels: Readonly<Record<string, ArrayLike<number>>>,
  attributes: readonly AttributeSpec[],
  count: number,
  argument: string,
): ArrayLike<number>[] {
  return attributes.map((attribute) => {
    const values = labels?.[attribute.name];
    if (values?.length !== count) {
      throw new ShapeMismatchError(`${argument}.${attribute.name}`, `[${count}] (one label per picture)`, [
        values?.length ?? 0,
      ]);
    }
    return values;
  });
}
