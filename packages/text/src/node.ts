export { loadCaptionedImages, type LoadCaptionedImagesOptions } from './node/captioned-image-files.js';
export { loadTextEncoderFile, saveTextEncoder, textEncoderFileName } from './node/text-encoder-files.js';
