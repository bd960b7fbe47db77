export { type IdxArray, parseIdx } from './idx-format.js';
export { type ImageGridOptions, type RgbaImage, tileImages } from './image-grid.js';
export { fashionMnistClasses, type MnistSplit, mnistDataset, mnistFromIdx } from './mnist.js';
export { pixelsToSymmetric, symmetricToPixels } from './pixel-scaling.js';
export { rgbaImageToTensor } from './rgba-image-to-tensor.js';
