import * as tf from '@tensorflow/tfjs';

import { GanForgeError, InvalidArgumentError } from '@ganforge/core';

/** Where tfjs layers weights come from: a URL (http(s)://, indexeddb://, file:// with the Node entry) or an IOHandler. */
export type WeightsSource = string | tf.io.IOHandler;

/** Weights could not be read, or do not fit the model they are loaded into. */
export class WeightsLoadError extends GanForgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WEIGHTS_LOAD', message, options);
  }
}

/** The IOHandler for a weights source; a string is routed by tfjs (http(s), indexeddb, registered file://). */
export function weightsHandler(source: WeightsSource, argument = 'weights'): tf.io.IOHandler {
  if (typeof source === 'string') {
    const handlers = tf.io.getLoadHandlers(source);
    if (handlers.length === 0) {
      const hint = source.startsWith('file://')
        ? "Import '@ganforge/srgan/node' first: it registers a file:// handler for Node."
        : 'Use an http(s)://, indexeddb:// or file:// URL to a tfjs layers model.json, or pass a tf.io.IOHandler.';
      throw new InvalidArgumentError(argument, 'a URL that a tfjs IO handler serves', source, hint);
    }
    // tfjs-node and our Node entry may both serve file://; either reads the same files.
    return handlers[0]!;
  }
  if (typeof source?.load !== 'function') {
    throw new InvalidArgumentError(argument, 'a URL string or a tf.io.IOHandler with load()', source);
  }
  return source;
}

/**
 * Loads tfjs-layers weights (a model.json with a weightsManifest and its .bin shards) into
 * `model`, matching each weight of the model by its layer and weight name (`block1_conv1/kernel`;
 * prefixes such as `vgg19/` and suffixes such as `:0` are ignored), so a full Keras VGG19 export
 * fits a topology cut after any layer. Throws {@link WeightsLoadError} naming a missing or
 * mis-shaped weight.
 */
export async function loadLayerWeights(
  model: tf.LayersModel,
  source: WeightsSource,
  argument = 'weights',
): Promise<void> {
  const handler = weightsHandler(source, argument);
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load!();
  } catch (cause) {
    throw new WeightsLoadError(
      `${argument}: could not read ${typeof source === 'string' ? source : 'the IOHandler'}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (!artifacts.weightSpecs || !artifacts.weightData) {
    throw new WeightsLoadError(`${argument}: the model.json has no weightsManifest, so there are no weights to load.`);
  }
  let decoded: tf.NamedTensorMap;
  try {
    // tfjs slices each weight's bytes within the data (never beyond it), then refuses a shape the
    // bytes do not fill: a manifest that claims more than its shards hold ends here, without allocating.
    // tidy disposes the weights decoded before the one that failed.
    decoded = tf.tidy(() => tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!));
  } catch (cause) {
    throw new WeightsLoadError(
      `${argument}: the weights manifest does not match its weight data: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  const byName = new Map<string, tf.Tensor>();
  for (const [name, tensor] of Object.entries(decoded)) byName.set(normalizeWeightName(name), tensor);
  try {
    const pairs: [tf.LayerVariable, tf.Tensor][] = [];
    for (const layer of model.layers) {
      for (const weight of layer.weights) {
        const key = `${layer.name}/${weight.originalName.split('/').at(-1)}`;
        const tensor = byName.get(key);
        if (!tensor) {
          throw new WeightsLoadError(
            `${argument}: expected a weight named '${key}' (layer '${layer.name}'), received ${byName.size} weights ` +
              `without it (e.g. ${[...byName.keys()].slice(0, 3).join(', ')}). Is this the model these weights belong to?`,
          );
        }
        if (!tf.util.arraysEqual(tensor.shape, weight.shape as number[])) {
          throw new WeightsLoadError(
            `${argument}: expected '${key}' of shape [${weight.shape.join(', ')}], received [${tensor.shape.join(', ')}].`,
          );
        }
        pairs.push([weight, tensor]);
      }
    }
    for (const [weight, tensor] of pairs) weight.write(tensor);
  } finally {
    tf.dispose(Object.values(decoded));
  }
}

/** 'vgg19/block1_conv1/kernel:0' -> 'block1_conv1/kernel'. */
function normalizeWeightName(name: string): string {
  const parts = name.replace(/:\d+$/, '').split('/');
  return parts.slice(-2).join('/');
}
