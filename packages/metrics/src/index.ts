export {
  type ImageQualityChannel,
  imageQualityChannels,
  type ImageQualityOptions,
  type PerImageResult,
} from './image-quality-input.js';
export { psnr } from './psnr.js';
export { ssim } from './ssim.js';
export {
  defaultParzenSigmas,
  parzenLogLikelihood,
  type ParzenOptions,
  type ParzenProgress,
  type ParzenResult,
} from './parzen-log-likelihood.js';
