export { binomialKernel } from './pyramid/binomial-filter.js';
export { pyrDown } from './pyramid/pyr-down.js';
export { pyrUp, type PyrUpSize } from './pyramid/pyr-up.js';
export {
  type LevelSize,
  maxPyramidLevels,
  pyramidLevelSizes,
  TooManyPyramidLevelsError,
} from './pyramid/pyramid-levels.js';
export { buildGaussianPyramid, buildLaplacianPyramid, reconstructLaplacianPyramid } from './pyramid/pyramids.js';
export { reflect101Index } from './pyramid/reflect-101.js';
export type { ClassLabels } from './lapgan/class-conditions.js';
export { type LapGanSample, type LapGanSampleOptions } from './lapgan/coarse-to-fine.js';
export { LapGan, type LapGanOptions } from './lapgan/lapgan.js';
export { lapganLevelData, type LapGanLevelData, type LapGanLevelDataOptions } from './lapgan/lapgan-level-data.js';
export type { LapGanLevelConfig, LapGanLevelSpec, LapGanTrainerOptions } from './lapgan/lapgan-level-spec.js';
export { type LapGanCheckpointMetadata, lapganCheckpointName } from './lapgan/lapgan-metadata.js';
export {
  lapganCoarseDiscriminator,
  lapganCoarseGenerator,
  lapganLevel,
  type LapGanModelOptions,
  lapganResidualDiscriminator,
  lapganResidualGenerator,
} from './lapgan/lapgan-models.js';
export { LapGanSampler, type LapGanSamplerLevel, type LapGanSamplerOptions } from './lapgan/lapgan-sampler.js';
export { levelProgression } from './lapgan/level-progression.js';
