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
export { extractFeatures, type ExtractFeaturesOptions } from './extract-features.js';
export { type FeatureStatistics, featureStatistics } from './feature-statistics.js';
export {
  type FeatureSource,
  frechetDistance,
  type FrechetDistanceResult,
  maximumSqrtResidual,
} from './frechet-distance.js';
export { inceptionScore, type InceptionScoreResult } from './inception-score.js';
export {
  kernelInceptionDistance,
  type KernelInceptionDistanceOptions,
  type KernelInceptionDistanceResult,
} from './kernel-inception-distance.js';
export { NumericalPrecisionError } from './metric-errors.js';
export { mnistClassifierLayers } from './mnist-classifier-layers.js';
