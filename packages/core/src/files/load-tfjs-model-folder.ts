import type * as tf from '@tensorflow/tfjs';

import type { CheckpointLimits } from '@ganforge/core';
import { modelFromArtifactsWithinBudget } from '@ganforge/core';
import { readTfjsModelFolder, type TfjsModelFolderLimits } from './read-tfjs-model-folder.js';

/** Options of {@link loadTfjsModelFolder}: the folder reader's limits and the topology's. */
export interface LoadTfjsModelFolderOptions extends TfjsModelFolderLimits {
  /**
   * Limits of the topology, checked before it is built: JSON nesting depth (default 100 levels) and
   * layer count (default 10,000), as for checkpoints (see `CheckpointLimits`).
   */
  readonly topologyLimits?: Partial<Pick<CheckpointLimits, 'maxJsonDepth' | 'maxLayers'>>;
}

/**
 * Loads a tfjs layers model from a model folder a stranger may have made: the files are read by
 * {@link readTfjsModelFolder} (shards confined to the folder, regular files, size limits, manifest
 * bytes = shard bytes), then the model is built by `modelFromArtifactsWithinBudget`, which never
 * allocates a weight that the stored weights do not match in shape and dtype (a topology asking for
 * a Dense layer of 1e9 units fails before tfjs allocates it) and matches the weights by name.
 * `userDefinedMetadata` is kept; a `trainingConfig` is not applied (the model is not compiled).
 * Custom layers the topology names must be registered first.
 *
 * @param modelJsonPath the model.json file; its folder is the boundary for its shards.
 * @throws the errors of {@link readTfjsModelFolder}; InvalidFileError naming model.json when the
 *   topology and the weights do not fit or tfjs cannot build the topology; SizeLimitError for a
 *   topology beyond `topologyLimits`.
 *
 * @example
 * ```ts
 * import { loadTfjsModelFolder } from '@ganforge/core/node';
 * const model = await loadTfjsModelFolder('downloads/esrgan/model.json', { maxWeightBytes: 2 * 1024 ** 3 });
 * ```
 */
export async function loadTfjsModelFolder(
  modelJsonPath: string,
  options: LoadTfjsModelFolderOptions = {},
): Promise<tf.LayersModel> {
  const { topologyLimits, ...limits } = options;
  const artifacts = await readTfjsModelFolder(modelJsonPath, limits);
  const model = await modelFromArtifactsWithinBudget(artifacts, {
    file: modelJsonPath,
    limits: topologyLimits,
    describeLimitOption: (key) => `the topologyLimits.${key} option`,
  });
  if (artifacts.userDefinedMetadata) model.setUserDefinedMetadata(artifacts.userDefinedMetadata);
  return model;
}
