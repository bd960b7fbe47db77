import { registerMissingGradients } from './gradients/register-missing-gradients.js';
import { registerGanForgeLayers } from './models/register-layers.js';

export type { BackendAdapter, BackendInfo } from './backend-adapter.js';
export { copyViewBytes } from './bytes/copy-view-bytes.js';
export type {
  Checkpoint,
  CheckpointConfig,
  CheckpointStore,
  SerializedModel,
  SerializedTensors,
} from './checkpoint/checkpoint.js';
export {
  type CheckpointNote,
  decodeCheckpoint,
  type DecodeCheckpointOptions,
  encodeCheckpoint,
} from './checkpoint/checkpoint-codec.js';
export { loadGenerator, type LoadGeneratorOptions } from './checkpoint/load-generator.js';
export { assertCheckpointName, isCheckpointName, MemoryCheckpointStore } from './checkpoint/memory-checkpoint-store.js';
export { deserializeModel, serializeModel } from './checkpoint/model-serialization.js';
export {
  modelFromArtifactsWithinBudget,
  type ModelBudgetOptions,
  type UntrustedModelArtifacts,
} from './checkpoint/model-within-weight-budget.js';
export { type CheckpointLimits, defaultCheckpointLimits } from './checkpoint/checkpoint-limits.js';
export { describeSchemaIssue, type SchemaIssueDescription } from './checkpoint/schema-issue.js';
export type { BatchOptions, Dataset, TrainingBatch } from './dataset.js';
export {
  BackendUnavailableError,
  CheckpointError,
  type CheckpointErrorCode,
  describedAs,
  FileNotFoundError,
  GanForgeError,
  InvalidArgumentError,
  InvalidFileError,
  KernelNotRegisteredError,
  NonFiniteLossError,
  RunFolderLockedError,
  ShapeMismatchError,
  SizeLimitError,
  UnsafePathError,
} from './errors.js';
export { type NonFiniteWeightCheck, NonFiniteWeightError } from './non-finite-weight-error.js';
export { finiteOptimizerStep, type FiniteOptimizerStepOptions } from './finite-optimizer-step.js';
export { TrainingStateLostError } from './training-state-lost-error.js';
export type { AdversarialLoss } from './losses/adversarial-loss.js';
export { hingeLoss } from './losses/hinge-loss.js';
export type { CrossEntropyLossOptions } from './losses/label-smoothing.js';
export { leastSquaresLoss } from './losses/least-squares-loss.js';
export { type AdversarialLossName, adversarialLossNames, lossByName } from './losses/loss-by-name.js';
export { minimaxLoss } from './losses/minimax-loss.js';
export { nonSaturatingLoss } from './losses/non-saturating-loss.js';
export { wassersteinLoss } from './losses/wasserstein-loss.js';
export {
  dcgan,
  dcganDiscriminator,
  dcganGenerator,
  type DcganModels,
  type DcganOptions,
  type DcganSize,
} from './models/dcgan.js';
export {
  dcganBatchNorm,
  dcganDownsampling,
  DcganInitializers,
  dcganLeakySlope,
  dcganUpsampling,
  type DcganUpsamplingOptions,
} from './models/dcgan-blocks.js';
export { PixelShuffle, type PixelShuffleArgs, pixelShuffle } from './models/pixel-shuffle.js';
export { registerGanForgeLayers } from './models/register-layers.js';
export { registerMissingGradients } from './gradients/register-missing-gradients.js';
export type { DiscriminatorRegularizer, RegularizerContext } from './regularizers/discriminator-regularizer.js';
export { gradientPenalty, type GradientPenaltyOptions } from './regularizers/gradient-penalty.js';
export {
  assertPenaltySupportsModel,
  penaltySupportedActivations,
  penaltySupportedLayers,
} from './regularizers/penalty-layer-support.js';
export { r1Penalty, type R1PenaltyOptions } from './regularizers/r1-penalty.js';
export { UnsupportedPenaltyLayerError } from './regularizers/unsupported-penalty-layer-error.js';
export { deriveSeed, seededRandom, shuffledIndices, tfjsSeed } from './seeds.js';
export {
  assertInteger,
  assertIsTensor,
  assertNumberInRange,
  assertRank,
  assertShape,
  type ExpectedDimension,
} from './tensor-checks.js';
export { AdversarialTrainer } from './trainer/adversarial-trainer.js';
export { dcganAdam, type OptimizerConfig } from './trainer/optimizer-config.js';
export type {
  AdversarialTrainerOptions,
  CheckpointOptions,
  DiscriminatorInputKind,
  DiscriminatorObjective,
  FitOptions,
  GeneratorInputKind,
  GeneratorInputs,
  GeneratorTerm,
  GeneratorTermContext,
  NoiseOptions,
  SampleOptions,
} from './trainer/trainer-options.js';
export type { CheckpointEvent, SampleEvent, StepEvent, TrainingSummary } from './trainer/training-events.js';
export { TrainingRun } from './trainer/training-run.js';
export type { LearningRates, StepUpdates, TrainingControls } from './trainer/training-controls.js';
export {
  capTrainingSteps,
  maxTrainingStepsVariable,
  type TrainingStepCapOptions,
} from './trainer/training-step-cap.js';
export { TensorDataset, type TensorDatasetOptions } from './tensor-dataset.js';

// Importing the package makes models with GANForge layers loadable by tf.loadLayersModel and
// registers the gradients that gradient penalties need.
registerGanForgeLayers();
registerMissingGradients();
