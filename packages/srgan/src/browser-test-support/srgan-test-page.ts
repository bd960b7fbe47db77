// Runs in headless Chromium (bundled by srgan.browser.test.ts): the srgan package with IndexedDB storage.
import * as tf from '@tensorflow/tfjs';

import {
  imagenetCaffePreprocess,
  loadUpscalingModel,
  saveUpscalingModel,
  srresnet,
  upscale,
  vgg19,
  vgg19FeatureExtractor,
} from '../index.js';

async function indexedDbRoundTrip() {
  await tf.setBackend('cpu');
  // A VGG19 cut after block1_conv2 with random weights, stored in IndexedDB, read back by the loader.
  const reference = vgg19({ layer: 'block1_conv2', seed: 3 });
  await reference.save('indexeddb://ganforge-srgan-vgg');
  const extractor = await vgg19FeatureExtractor({ weights: 'indexeddb://ganforge-srgan-vgg', layer: 'block1_conv2' });
  const images = tf.randomUniform([1, 8, 8, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
  const expected = reference.predict(imagenetCaffePreprocess(images)) as tf.Tensor;
  const featureDifference = extractor.extract(images).sub(expected).abs().max().dataSync()[0]!;
  const unrelated = vgg19({ layer: 'block1_conv2', seed: 4 });
  const unrelatedDifference = (unrelated.predict(imagenetCaffePreprocess(images)) as tf.Tensor)
    .sub(expected)
    .abs()
    .max()
    .dataSync()[0]!;

  // A generator saved with its upscaling metadata, loaded back and run tiled.
  const generator = srresnet({ blocks: 1, filters: 4, scale: 2, seed: 1 });
  await saveUpscalingModel(generator, 'indexeddb://ganforge-srgan-generator', { scale: 2, padding: 9 });
  const loaded = await loadUpscalingModel('indexeddb://ganforge-srgan-generator');
  const pixels = tf.randomUniform([10, 12, 3], 0, 255, 'float32', 2) as tf.Tensor3D;
  const tiled = await upscale(loaded, pixels, { patchSize: 4 });
  const whole = (generator.predict(pixels.div(127.5).sub(1).expandDims(0)) as tf.Tensor)
    .squeeze([0])
    .add(1)
    .mul(127.5)
    .clipByValue(0, 255);
  return {
    featureDifference,
    unrelatedDifference,
    scale: loaded.scale,
    padding: loaded.padding,
    shape: tiled.shape,
    tiledDifference: tiled.sub(whole).abs().max().dataSync()[0]!,
  };
}

(globalThis as unknown as { ganforgeSrgan: unknown }).ganforgeSrgan = { indexedDbRoundTrip };
(globalThis as unknown as { ganforgeReady: boolean }).ganforgeReady = true;
