import type * as tf from '@tensorflow/tfjs';

import { assertIsTensor, ShapeMismatchError } from '@ganforge/core';

const channelNames: Readonly<Record<number, string>> = { 1: 'grey', 2: 'grey + alpha', 3: 'RGB', 4: 'RGBA' };

/** What to do with an image whose channels are not what a model reads. */
function advice(received: number | undefined, expected: number): string | undefined {
  if (expected !== 3) return undefined;
  if (received === 4 || received === 2) {
    return 'Split off the alpha channel (the last one): run the colour through the model and enlarge the alpha with bicubicResize, as `ganforge upscale` does.';
  }
  if (received === 1) return 'Repeat a grey image over three channels first: tf.tile(image, [1, 1, 3]).';
  return undefined;
}

/**
 * Throws a {@link ShapeMismatchError} naming `argument` and the channels expected unless `image` is
 * [height, width, channels] (`ranks` 3), [batch, height, width, channels] (`ranks` 4) or either, so a
 * 4-, 2- or 1-channel image fails with advice instead of a tfjs shape error deep inside a model.
 */
export function assertImageChannels(
  image: tf.Tensor,
  argument: string,
  options: { channels: number; ranks: readonly (3 | 4)[]; singleBatch?: boolean },
): void {
  assertIsTensor(image, argument);
  const { channels, ranks } = options;
  const name = channelNames[channels] ? ` (${channelNames[channels]})` : '';
  const batch = options.singleBatch ? '1' : 'batch';
  const shapes = ranks.map((rank) =>
    rank === 3 ? `[height, width, ${channels}]` : `[${batch}, height, width, ${channels}]`,
  );
  const rankFits =
    (ranks as readonly number[]).includes(image.rank) &&
    (!options.singleBatch || image.rank === 3 || image.shape[0] === 1);
  const received = image.shape[image.rank - 1];
  if (!rankFits || received !== channels) {
    throw new ShapeMismatchError(
      argument,
      `${shapes.join(' or ')}${name}`,
      image.shape,
      rankFits ? advice(received, channels) : undefined,
    );
  }
}
