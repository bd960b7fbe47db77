import * as tf from '@tensorflow/tfjs';

import type { RgbaImage } from './image-grid.js';

/**
 * An RGBA bitmap as an int32 tensor [height, width, channels] with values 0-255: channels 4 keeps it
 * as it is, 3 drops alpha, 1 is the ITU-R BT.601 luma that PIL's `convert('L')` computes (rounded).
 * The Node (`readImage`) and browser (`readImageBlob`) decoders both end here, so they agree.
 */
export function rgbaImageToTensor(image: RgbaImage, channels: 1 | 3 | 4): tf.Tensor3D {
  return tf.tidy(() => {
    const rgba = tf.tensor3d(image.data, [image.height, image.width, 4], 'int32');
    if (channels === 4) return rgba;
    const rgb = rgba.slice([0, 0, 0], [-1, -1, 3]);
    return channels === 3
      ? rgb
      : (rgb.toFloat().mul([0.299, 0.587, 0.114]).sum(2, true).round().toInt() as tf.Tensor3D);
  });
}
