export { ImageCodecUnavailableError } from './image-codec.js';
export { imageFileExtensions, imageFileFormat, type ImageFileFormat } from './image-file-format.js';
export {
  decodeImage,
  ImageDecodeError,
  loadImageFolder,
  type LoadImageFolderOptions,
  readImage,
  type ReadImageOptions,
} from './image-files.js';
export {
  type ImageLimitOptionNames,
  type ImageSizeLimitsInForce,
  imageSizeLimitsInForce,
  maxImageFileBytesVariable,
  maxImagePixelsVariable,
} from './image-size-limits-from-environment.js';
export {
  DatasetNotFoundError,
  defaultMaxIdxFileBytes,
  findMnistFolder,
  loadMnist,
  type LoadMnistOptions,
  type MnistSplitName,
  type MnistVariant,
} from './mnist-files.js';
export { saveImageGrid } from './save-image-grid.js';
export { encodeImage, type EncodeImageOptions, type PixelImage, writeImage } from './write-image.js';
