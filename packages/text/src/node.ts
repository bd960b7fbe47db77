export {
  captionPathsOutsideFolderVariable,
  defaultMaxCaptionFileBytes,
  loadCaptionedImages,
  type LoadCaptionedImagesOptions,
  maxCaptionFileBytesVariable,
} from './node/captioned-image-files.js';
export {
  defaultMaxTextEncoderBytes,
  loadTextEncoderFile,
  type LoadTextEncoderFileOptions,
  maxTextEncoderBytesVariable,
  saveTextEncoder,
  textEncoderFileName,
} from './node/text-encoder-files.js';
