import { registerFileSystemRouter } from './node/file-system-handler.js';

export { fileSystemHandler, registerFileSystemRouter } from './node/file-system-handler.js';
export { loadPhotos } from './node/load-photos.js';
export {
  defaultMaxPackageJsonBytes,
  ModelNotFoundError,
  resolveUpscalingModel,
  type ResolveUpscalingModelOptions,
} from './node/resolve-upscaling-model.js';

// Importing the Node entry makes file:// URLs work in loadUpscalingModel and vgg19FeatureExtractor.
registerFileSystemRouter();
