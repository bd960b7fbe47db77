import { InvalidArgumentError } from '@ganforge/core';

import { type FeatureExtractor, type FeaturePreprocessing, layerFeatureExtractor } from './feature-extractor.js';
import { loadLayerWeights, type WeightsSource } from './load-layer-weights.js';
import { resolveVggLayer, vgg19 } from './vgg19.js';

export interface Vgg19FeatureExtractorOptions {
  /**
   * Trained VGG19 weights in tfjs layers format: a model.json URL (`http(s)://`, `indexeddb://`,
   * `file://` after importing `@ganforge/srgan/node`) or a `tf.io.IOHandler`. A Keras VGG19 converted
   * with `tensorflowjs_converter` fits: weights are matched by Keras layer name.
   */
  readonly weights: WeightsSource;
  /** 'vgg22', 'vgg54' (SRGAN sec. 3.4) or a Keras VGG19 layer name. Default 'vgg54'. */
  readonly layer?: string;
  /** Default 'imagenet-caffe' (what the Keras weights expect). */
  readonly preprocess?: FeaturePreprocessing;
}

/**
 * Builds Keras' VGG19 topology up to `layer` and loads trained weights into it: the feature network
 * of SRGAN's VGG content loss. No weights ship with GANForge; convert Keras'
 * `VGG19(weights='imagenet', include_top=False)` with `tensorflowjs_converter`, or plug any model
 * into {@link layerFeatureExtractor}.
 *
 * @example
 * ```ts
 * import '@ganforge/srgan/node'; // file:// support on Node
 * const vgg54 = await vgg19FeatureExtractor({ weights: 'file:///models/vgg19/model.json', layer: 'vgg54' });
 * const term = vggContentTerm(vgg54);
 * ```
 */
export async function vgg19FeatureExtractor(options: Vgg19FeatureExtractorOptions): Promise<FeatureExtractor> {
  if (typeof options !== 'object' || options === null || options.weights === undefined) {
    throw new InvalidArgumentError('options', '{ weights, layer? }', options);
  }
  const layer = resolveVggLayer(options.layer ?? 'vgg54');
  const model = vgg19({ layer });
  try {
    await loadLayerWeights(model, options.weights, 'options.weights');
  } catch (error) {
    model.dispose();
    throw error;
  }
  return layerFeatureExtractor({ model, layer, preprocess: options.preprocess });
}
