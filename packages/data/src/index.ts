export { type IdxArray, parseIdx } from './idx-format.js';
export { type ImageGridOptions, type RgbaImage, tileImages } from './image-grid.js';
export {
  assertImageFileWithinLimit,
  assertImagePixelsWithinLimit,
  defaultMaxImageFileBytes,
  defaultMaxImagePixels,
  type ImageSizeLimits,
  resolveImageSizeLimits,
} from './image-size-limits.js';
export { fashionMnistClasses, type MnistFromIdxOptions, type MnistSplit, mnistDataset, mnistFromIdx } from './mnist.js';
export { pixelsToSymmetric, symmetricToPixels } from './pixel-scaling.js';
export { rgbaImageToTensor } from './rgba-image-to-tensor.js';
