import * as tf from '@tensorflow/tfjs';

import { deriveSeed, InvalidArgumentError } from '@ganforge/core';

/** Convolutions per block of VGG19 (Simonyan & Zisserman 2015, configuration E) and their filters. */
const vgg19Blocks: readonly { convolutions: number; filters: number }[] = [
  { convolutions: 2, filters: 64 },
  { convolutions: 2, filters: 128 },
  { convolutions: 4, filters: 256 },
  { convolutions: 4, filters: 512 },
  { convolutions: 4, filters: 512 },
];

/** The layer names of Keras' `VGG19(include_top=False)`, input to output. */
export const vgg19LayerNames: readonly string[] = vgg19Blocks.flatMap(({ convolutions }, index) => [
  ...Array.from({ length: convolutions }, (_, conv) => `block${index + 1}_conv${conv + 1}`),
  `block${index + 1}_pool`,
]);

/**
 * SRGAN's names for VGG19 feature maps (sec. 3.4): phi_{i,j} is the j-th convolution (after its
 * ReLU) before the i-th max-pooling. VGG22 = `block2_conv2`, VGG54 = `block5_conv4`.
 */
export const vggFeatureLayers = { vgg22: 'block2_conv2', vgg54: 'block5_conv4' } as const;
export type VggFeatureLayerAlias = keyof typeof vggFeatureLayers;

/** Resolves 'vgg22' / 'vgg54' to a Keras layer name and checks that the name exists in VGG19. */
export function resolveVggLayer(layer: string): string {
  const name = (vggFeatureLayers as Record<string, string>)[layer.toLowerCase()] ?? layer;
  if (!vgg19LayerNames.includes(name)) {
    throw new InvalidArgumentError(
      'layer',
      `'vgg22', 'vgg54' or a VGG19 layer name (${vgg19LayerNames[0]} ... ${vgg19LayerNames.at(-1)})`,
      layer,
    );
  }
  return name;
}

/**
 * The convolutional part of Keras' VGG19 (`include_top=False`), with Keras' layer names
 * (`block1_conv1` ... `block5_pool`), cut after `layer` (default: all of it). Weights are random
 * (seeded): load trained ones with {@link vgg19FeatureExtractor}. Input: [batch, height, width, 3]
 * ImageNet-preprocessed (BGR, mean-subtracted, 0-255 scale).
 *
 * @example
 * ```ts
 * const model = vgg19({ layer: 'block2_conv2' }); // the 4 convolutions VGG22 needs
 * ```
 */
export function vgg19(options: { layer?: string; seed?: number } = {}): tf.LayersModel {
  const last = resolveVggLayer(options.layer ?? 'block5_pool');
  const seed = options.seed ?? 0;
  const input = tf.input({ shape: [null, null, 3], name: 'input_1' });
  let x: tf.SymbolicTensor = input;
  let index = 0;
  for (const name of vgg19LayerNames) {
    const layer = name.endsWith('_pool')
      ? tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name })
      : tf.layers.conv2d({
          filters: vgg19Blocks[Number(name[5]) - 1]!.filters,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'vgg19', index++) }),
          name,
        });
    x = layer.apply(x) as tf.SymbolicTensor;
    if (name === last) break;
  }
  return tf.model({ inputs: input, outputs: x, name: 'vgg19' });
}
