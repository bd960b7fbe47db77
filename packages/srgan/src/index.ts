export { pixelMseTerm, totalVariationTerm, vggContentTerm } from './losses/content-terms.js';
export { pixelMseLoss, totalVariationLoss } from './losses/pixel-losses.js';
export { vggContentLoss, type VggContentLossOptions } from './losses/vgg-content-loss.js';
export { srganDiscriminator, type SrganDiscriminatorOptions } from './models/srgan-discriminator.js';
export {
  srresnet,
  srresnetConfig,
  type SrresnetConfig,
  type SrresnetOptions,
  srresnetReceptiveRadius,
  type SrresnetScale,
} from './models/srresnet.js';
export { bicubicResize, type BicubicResizeOptions, bicubicWeights, keysCubic } from './resize/bicubic-resize.js';
export {
  type FeatureExtractor,
  type FeaturePreprocessing,
  imagenetCaffePreprocess,
  layerFeatureExtractor,
} from './vgg/feature-extractor.js';
export { loadLayerWeights, WeightsLoadError, type WeightsSource } from './vgg/load-layer-weights.js';
export { vgg19, vgg19LayerNames, vggFeatureLayers, type VggFeatureLayerAlias } from './vgg/vgg19.js';
export { vgg19FeatureExtractor, type Vgg19FeatureExtractorOptions } from './vgg/vgg19-feature-extractor.js';
export {
  dihedral,
  SuperResolutionDataset,
  type SuperResolutionDatasetOptions,
} from './training/super-resolution-dataset.js';
export { srganTrainer, type SrganTrainerOptions } from './training/srgan-trainer.js';
export {
  type SrresnetStepEvent,
  type SrresnetTrainingSummary,
  trainSrresnet,
  type TrainSrresnetOptions,
} from './training/train-srresnet.js';
export { upscale, type UpscaleOptions, type UpscaleProgress } from './inference/upscale.js';
export { assertUpscaledSizeWithinLimit, defaultMaxUpscaledPixels } from './inference/upscaled-size-limit.js';
export {
  loadUpscalingModel,
  saveUpscalingModel,
  symmetricRange,
  type UpscalingMetadata,
  type UpscalingModel,
  upscalingModel,
} from './inference/upscaling-model.js';
