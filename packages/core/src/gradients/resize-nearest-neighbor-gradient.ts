import * as tf from '@tensorflow/tfjs';

// tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad offsets dy by the *images'* batch stride, so every
// sample after the first gets the gradient of the wrong pixels (upSampling2d trains wrongly on `cpu`;
// found by the penalty-gradient table). For the integer scale factors of upSampling2d (no corner
// alignment, no half-pixel centres) output pixel (i * s + a, j * t + b) copies input pixel (i, j), so
// the gradient is dy summed over each s x t block: a reshape and a sum, which are also differentiable
// again. Any other resize runs the backend's kernel one sample at a time, where the stride bug cannot bite.
export const resizeNearestNeighborGradient: tf.GradConfig = {
  kernelName: 'ResizeNearestNeighbor',
  inputsToSave: ['images'],
  gradFunc: (dy, saved, attrs) => {
    const [images] = saved as [tf.Tensor4D];
    const upstream = dy as tf.Tensor4D;
    const { alignCorners, halfPixelCenters } = attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
    const [batch, height, width, channels] = images.shape;
    const [, outHeight, outWidth] = upstream.shape;
    return {
      images: () => {
        if (!alignCorners && !halfPixelCenters && outHeight % height === 0 && outWidth % width === 0) {
          const rows = outHeight / height;
          const columns = outWidth / width;
          return tf.sum(tf.reshape(upstream, [batch, height, rows, width, columns, channels]), [2, 4]);
        }
        const samples = tf
          .split(upstream, batch, 0)
          .map(
            (sample, index) =>
              tf
                .engine()
                .runKernel(
                  'ResizeNearestNeighborGrad',
                  { images: tf.slice(images, [index, 0, 0, 0], [1, height, width, channels]), dy: sample },
                  attrs as unknown as tf.NamedAttrMap,
                ) as tf.Tensor,
          );
        return tf.concat(samples, 0);
      },
    };
  },
};
