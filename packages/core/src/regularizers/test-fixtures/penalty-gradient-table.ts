import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs';

import { PixelShuffle } from '../../models/pixel-shuffle.js';
import { gradientPenalty } from '../gradient-penalty.js';
import { r1Penalty } from '../r1-penalty.js';

/** One layer of a table case, as `generate-penalty-gradients.py` reads it. */
export interface LayerSpec {
  readonly type: string;
  readonly [option: string]: unknown;
}

export interface PenaltyReference {
  readonly value: number;
  /** dPenalty/dw for each trainable weight, in layer order, flattened. */
  readonly gradients: number[][];
}

export interface PenaltyGradientCase {
  readonly name: string;
  readonly inputShape: number[];
  readonly batch: number;
  readonly layers: LayerSpec[];
  readonly x: number[];
  readonly weights: { shape: number[]; values: number[] }[];
  readonly r1: PenaltyReference;
  readonly gp: PenaltyReference;
}

export const penaltyGradientCases = (
  JSON.parse(readFileSync(new URL('./penalty-gradients.json', import.meta.url), 'utf8')) as {
    cases: PenaltyGradientCase[];
  }
).cases;

/** The options a layer spec may carry; absent ones read as undefined, which tfjs takes as its default. */
interface LayerOptions {
  targetShape: number[];
  units: number;
  activation: Parameters<typeof tf.layers.dense>[0]['activation'];
  useBias: boolean;
  filters: number;
  kernelSize: number;
  strides: number;
  padding: 'same' | 'valid';
  maxValue: number;
  alpha: number;
  theta: number;
  poolSize: number;
  size: number;
  n: number;
  scale: number;
  rate: number;
  seed: number;
  depthMultiplier: number;
  sharedAxes: number[];
}

function makeLayer(spec: LayerSpec): tf.layers.Layer {
  const o = spec as unknown as LayerOptions;
  switch (spec.type) {
    case 'flatten':
      return tf.layers.flatten();
    case 'reshape':
      return tf.layers.reshape({ targetShape: o.targetShape });
    case 'dense':
      return tf.layers.dense({ units: o.units, activation: o.activation, useBias: o.useBias });
    case 'conv2d':
    case 'conv2dTranspose':
      return tf.layers[spec.type]({
        filters: o.filters,
        kernelSize: o.kernelSize,
        strides: o.strides,
        padding: o.padding,
        activation: o.activation,
        useBias: o.useBias,
      });
    case 'depthwiseConv2d':
      return tf.layers.depthwiseConv2d({
        kernelSize: o.kernelSize,
        depthMultiplier: o.depthMultiplier,
        strides: o.strides,
        padding: o.padding,
        activation: o.activation,
        useBias: o.useBias,
      });
    case 'separableConv2d':
      return tf.layers.separableConv2d({
        filters: o.filters,
        kernelSize: o.kernelSize,
        depthMultiplier: o.depthMultiplier,
        strides: o.strides,
        padding: o.padding,
        activation: o.activation,
        useBias: o.useBias,
      });
    case 'activation':
      return tf.layers.activation({ activation: o.activation! });
    case 'reLU':
      return tf.layers.reLU({ maxValue: o.maxValue });
    case 'leakyReLU':
      return tf.layers.leakyReLU({ alpha: o.alpha });
    case 'prelu':
      return tf.layers.prelu({ sharedAxes: o.sharedAxes });
    case 'elu':
      return tf.layers.elu();
    case 'thresholdedReLU':
      return tf.layers.thresholdedReLU({ theta: o.theta });
    case 'softmax':
      return tf.layers.softmax();
    case 'batchNormalization':
      return tf.layers.batchNormalization();
    case 'layerNormalization':
      return tf.layers.layerNormalization();
    case 'averagePooling2d':
      return tf.layers.averagePooling2d({ poolSize: o.poolSize });
    case 'globalAveragePooling2d':
      return tf.layers.globalAveragePooling2d({});
    case 'upSampling2d':
      return tf.layers.upSampling2d({ size: [o.size, o.size] });
    case 'zeroPadding2d':
      return tf.layers.zeroPadding2d({ padding: o.padding as unknown as number });
    case 'repeatVector':
      return tf.layers.repeatVector({ n: o.n });
    case 'concatenate':
      return tf.layers.concatenate();
    case 'add':
      return tf.layers.add();
    case 'dropout':
      return tf.layers.dropout({ rate: o.rate, seed: o.seed });
    case 'pixelShuffle':
      return new PixelShuffle({ scale: o.scale });
    default:
      throw new Error(`unknown layer type in the fixture: ${spec.type}`);
  }
}

/** The case's critic as a tfjs model with the fixture's weights, and its trainable variables in order. */
export function buildCritic(testCase: PenaltyGradientCase): { model: tf.LayersModel; variables: tf.Variable[] } {
  const input = tf.input({ shape: testCase.inputShape });
  const outputs: tf.SymbolicTensor[] = [input];
  const layers: tf.layers.Layer[] = [];
  for (const spec of testCase.layers) {
    const layer = makeLayer(spec);
    const previous = outputs[outputs.length - 1]!;
    const inputs =
      spec.type === 'concatenate' || spec.type === 'add' ? [previous, outputs[spec.with as number]!] : previous;
    outputs.push(layer.apply(inputs) as tf.SymbolicTensor);
    layers.push(layer);
  }
  const model = tf.model({ inputs: input, outputs: outputs[outputs.length - 1]! });
  let next = 0;
  for (const layer of layers) {
    const count = layer.trainableWeights.length;
    if (count === 0) continue;
    const own = testCase.weights.slice(next, next + count).map((w) => tf.tensor(w.values, w.shape));
    next += count;
    // BatchNormalization also holds its moving statistics (unused in training mode): keep them.
    const rest = layer.getWeights().slice(count);
    layer.setWeights([...own, ...rest]);
    tf.dispose(own);
  }
  if (next !== testCase.weights.length)
    throw new Error(`${testCase.name}: ${testCase.weights.length - next} unused weights`);
  const variables = layers.flatMap((layer) => layer.trainableWeights.map((w) => w.read() as tf.Variable));
  return { model, variables };
}

/**
 * The R1 and WGAN-GP penalties of the case (real = fake = x, gamma 2 and weight 1, as the generator
 * script computes them) and their gradients for every trainable weight, from tfjs's double backprop.
 * A weight the penalty has no gradient for (tfjs returns none) reads as zeros.
 */
export function tfjsPenaltyGradients(
  testCase: PenaltyGradientCase,
): Record<'r1' | 'gp', { value: number; gradients: Float32Array[] }> {
  const { model, variables } = buildCritic(testCase);
  const x = tf.tensor(testCase.x, [testCase.batch, ...testCase.inputShape]);
  const discriminate = (images: tf.Tensor) => model.apply(images, { training: true }) as tf.Tensor;
  const run = (regularizer: ReturnType<typeof r1Penalty>) => {
    const { value, grads } = tf.variableGrads(
      () => regularizer.penalty({ real: x, fake: x, discriminate, seed: 1 }),
      variables,
    );
    const result = {
      value: value.dataSync()[0]!,
      gradients: variables.map(
        (v) => (grads[v.name] ? grads[v.name]!.dataSync() : new Float32Array(v.size)) as Float32Array,
      ),
    };
    tf.dispose([value, ...Object.values(grads)]);
    return result;
  };
  try {
    return { r1: run(r1Penalty({ gamma: 2 })), gp: run(gradientPenalty({ weight: 1 })) };
  } finally {
    x.dispose();
    model.dispose();
  }
}

/**
 * The largest error of `actual` against `expected`, relative to the largest expected gradient of the
 * case (so a weight whose gradient is missing or a few percent off shows as a large error).
 */
export function relativeGradientError(actual: ArrayLike<number>[], expected: number[][]): number {
  const scale = Math.max(...expected.map((g) => Math.max(...g.map(Math.abs))), 1e-6);
  let worst = 0;
  expected.forEach((g, i) => g.forEach((value, j) => (worst = Math.max(worst, Math.abs(actual[i]![j]! - value)))));
  return worst / scale;
}
