import { registerTextLayers } from './encoders/text-layers.js';

export { CharTokenizer, type CharTokenizerOptions, reedAlphabet } from './tokenizers/char-tokenizer.js';
export type { TokenPadding, Tokenizer, TokenizerJson } from './tokenizers/tokenizer.js';
export { tokenizerFromJson } from './tokenizers/tokenizer-from-json.js';
export {
  splitWords,
  WordTokenizer,
  type WordTokenizerOptions,
  type WordVocabularyOptions,
} from './tokenizers/word-tokenizer.js';
export { BagOfWordsEncoder, type BagOfWordsEncoderOptions } from './encoders/bag-of-words-encoder.js';
export { CharCnnRnnEncoder, type CharCnnRnnEncoderOptions } from './encoders/char-cnn-rnn-encoder.js';
export { LayersTextEncoder, type TextEncoder, type TextEncoderKind } from './encoders/text-encoder.js';
export {
  defaultMaxVocabularyWords,
  loadTextEncoder,
  type SerializedTextEncoder,
  serializeTextEncoder,
  textEncoderFromJson,
  type TextEncoderReadOptions,
  textEncoderToJson,
} from './encoders/text-encoder-serialization.js';
export {
  BagOfTokens,
  OneHotTokens,
  registerTextLayers,
  TemporalMaxPooling,
  temporalMaxPool,
} from './encoders/text-layers.js';
export { FeatureStandardization } from './encoders/feature-standardization.js';
export { standardizeTextEncoder } from './encoders/standardize-text-encoder.js';
export { WordGruEncoder, type WordGruEncoderOptions } from './encoders/word-gru-encoder.js';
export { interpolationTerm, type InterpolationTermOptions, rollRows } from './gan/interpolation-term.js';
export {
  type TextToImageModelOptions,
  type TextToImageModels,
  textToImageDiscriminator,
  textToImageGenerator,
  textToImageModels,
} from './gan/text-to-image-models.js';
export {
  createTextToImageTrainer,
  type TextToImageSwitches,
  textToImageTrainerOptions,
  type TextToImageVariant,
  textToImageVariants,
  variantSwitches,
} from './gan/text-to-image-trainer.js';
export { CaptionedImageDataset, type CaptionedImageDatasetOptions } from './data/captioned-image-dataset.js';
export {
  allShapeDescriptions,
  type CaptionedShapes,
  captionedShapes,
  type CaptionedShapesOptions,
  combinationIndex,
  defaultHeldOutPairs,
  describeShape,
  isHeldOutPair,
  renderShape,
  type ShapeAttribute,
  shapeAttributeNames,
  shapeAttributes,
  shapeCaptionTemplateCount,
  type ShapeDescription,
} from './data/captioned-shapes.js';
export { dsSjeLoss, type DsSjeLossOptions } from './joint-embedding/ds-sje-loss.js';
export { type ImageEncoderOptions, smallImageEncoder } from './joint-embedding/image-encoder.js';
export { captionToImageRetrieval, type RetrievalScores } from './joint-embedding/retrieval.js';
export {
  type CaptionedImages,
  encodeInChunks,
  type JointEmbeddingOptions,
  type JointEmbeddingResult,
  retrievalOn,
  trainJointEmbedding,
} from './joint-embedding/train-joint-embedding.js';
export {
  type AttributeAccuracy,
  attributeAccuracy,
  attributeClassifier,
  type AttributeClassifierOptions,
  type AttributeSpec,
  predictAttributes,
  trainAttributeClassifier,
  type TrainAttributeClassifierOptions,
} from './evaluation/attribute-classifier.js';

// Importing the package makes saved encoders with GANForge text layers loadable by tf.loadLayersModel.
registerTextLayers();
