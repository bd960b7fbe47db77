import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors.js';
import { UnsupportedPenaltyLayerError } from './unsupported-penalty-layer-error.js';

/**
 * tfjs layer classes (`layer.getClassName()`) whose second-order gradients GANForge has checked, with
 * the gradients `registerMissingGradients()` adds, against float64 finite differences on the `cpu`
 * and `wasm` backends (regularizers/penalty-gradients.test.ts). `GanForgePixelShuffle` is GANForge's
 * own sub-pixel layer.
 */
export const penaltySupportedLayers: ReadonlySet<string> = new Set([
  'InputLayer',
  'Dense',
  'Conv2D',
  'Conv2DTranspose',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
  'Softmax',
  'BatchNormalization',
  'LayerNormalization',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'UpSampling2D',
  'ZeroPadding2D',
  'Dropout',
  'Flatten',
  'Reshape',
  'RepeatVector',
  'Concatenate',
  'Add',
  'GanForgePixelShuffle',
]);

/** Activations (the `activation` option of dense, conv2d, conv2dTranspose and activation layers) checked the same way. */
export const penaltySupportedActivations: ReadonlySet<string> = new Set([
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'softplus',
  'softsign',
  'tanh',
  'softmax',
  'gelu',
  'gelu_new',
  'mish',
  'swish',
]);

// Why the known problem cases are refused; anything else unlisted is refused as unchecked.
const knownReasons: Record<string, string> = {
  MaxPooling1D: "uses tfjs's MaxPoolGrad kernel, which has no gradient",
  MaxPooling2D: "uses tfjs's MaxPoolGrad kernel, which has no gradient",
  MaxPooling3D: "uses tfjs's MaxPool3DGrad kernel, which has no gradient",
  logSoftmax:
    'uses tf.logSoftmax, a customGrad op of tfjs-core 4.22 that saves its output out of the tape’s sight: its second-order gradient silently drops a term (13% off in our check)',
};

function activationOf(layer: tf.layers.Layer): string | undefined {
  const activation = layer.getConfig().activation;
  return typeof activation === 'string' ? activation : undefined;
}

function refusal(layer: tf.layers.Layer): string | undefined {
  const className = layer.getClassName();
  if (!penaltySupportedLayers.has(className)) {
    return knownReasons[className] ?? 'is not one of the layers whose second-order gradients GANForge has checked';
  }
  const activation = activationOf(layer);
  if (activation !== undefined && !penaltySupportedActivations.has(activation)) {
    return `has the activation '${activation}', which ${knownReasons[activation] ?? 'has not been checked for second-order gradients'}`;
  }
  const config = layer.getConfig();
  const dilation = config.dilationRate as number | number[] | undefined;
  if (dilation !== undefined && [dilation].flat().some((rate) => rate !== 1)) {
    return `has dilationRate ${JSON.stringify(dilation)}; only undilated convolutions have been checked for second-order gradients`;
  }
  if (className === 'UpSampling2D' && config.interpolation !== 'nearest') {
    return `uses '${String(config.interpolation)}' interpolation; only 'nearest' has been checked for second-order gradients`;
  }
  return undefined;
}

function* layersOf(model: tf.LayersModel): Generator<tf.layers.Layer> {
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) yield* layersOf(layer);
    else yield layer;
  }
}

/** Validates a penalty's `allowLayers` option: class names of layers the user vouches for. */
export function readAllowLayers(value: unknown, argument: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string' || name.length === 0)) {
    throw new InvalidArgumentError(argument, 'an array of layer class names such as ["MyLayer"]', value);
  }
  return [...(value as string[])];
}

/**
 * Throws {@link UnsupportedPenaltyLayerError} for the first layer of `model` (nested models included)
 * whose second-order gradient tfjs cannot compute correctly or that GANForge has not checked:
 * a layer class outside {@link penaltySupportedLayers}, an activation outside
 * {@link penaltySupportedActivations}, a dilated convolution or a non-nearest upSampling2d.
 * Layer classes named in `allowLayers` are accepted unchecked (for your own layers).
 */
export function assertPenaltySupportsModel(
  model: tf.LayersModel,
  regularizer: string,
  allowLayers: readonly string[] = [],
): void {
  for (const layer of layersOf(model)) {
    if (allowLayers.includes(layer.getClassName())) continue;
    const reason = refusal(layer);
    if (reason !== undefined) {
      throw new UnsupportedPenaltyLayerError(regularizer, layer.name, layer.getClassName(), reason);
    }
  }
}
