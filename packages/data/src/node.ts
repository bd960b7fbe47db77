export {
  decodeImage,
  ImageDecodeError,
  loadImageFolder,
  type LoadImageFolderOptions,
  readImage,
} from './image-files.js';
export {
  DatasetNotFoundError,
  findMnistFolder,
  loadMnist,
  type LoadMnistOptions,
  type MnistSplitName,
  type MnistVariant,
} from './mnist-files.js';
export { encodePng, saveImageGrid } from './save-image-grid.js';
