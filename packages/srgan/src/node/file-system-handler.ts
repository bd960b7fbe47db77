import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { InvalidArgumentError } from '@ganforge/core';
import { readTfjsModelFolder, type TfjsModelFolderLimits, writeFileAtomically } from '@ganforge/core/node';
import * as tf from '@tensorflow/tfjs';

const weightsFileName = 'weights.bin';

/**
 * A tfjs IOHandler for a model folder (or a model.json path) on the local file system: `load()`
 * reads model.json and the weight shards it lists; `save()` writes model.json and one
 * `weights.bin`, each atomically (temporary file, fsync, rename), weights first.
 *
 * `load()` reads a stranger's folder safely (see `readTfjsModelFolder` of `@ganforge/core/node`):
 * shards must stay inside the folder (no `..`, absolute path, URL or symbolic link out), model.json
 * and shards must be regular files, model.json at most `limits.maxModelJsonBytes` (64 MiB) and the
 * weights at most `limits.maxWeightBytes` (1 GiB) bytes, and the shards must hold exactly the bytes
 * the manifest's shapes and dtypes imply; all checked before any shard is read.
 *
 * `tf.loadLayersModel(fileSystemHandler(...))` then builds the topology as tfjs does, allocating
 * whatever it asks for; for a model from someone else use `resolveUpscalingModel`,
 * `loadUpscalingModel` or `loadTfjsModelFolder` (`@ganforge/core/node`), which refuse a topology
 * that asks for more than its weights before allocating it.
 *
 * @throws from `load()`: UnsafePathError, SizeLimitError, InvalidFileError, FileNotFoundError.
 *
 * @example
 * ```ts
 * await model.save(fileSystemHandler('runs/srresnet/model'));
 * const again = await tf.loadLayersModel(fileSystemHandler('runs/srresnet/model/model.json'));
 * ```
 */
export function fileSystemHandler(path: string, limits: TfjsModelFolderLimits = {}): tf.io.IOHandler {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArgumentError('path', 'a folder or model.json path', path);
  }
  const location = path.startsWith('file://') ? fileURLToPath(path) : resolve(path);
  const modelJsonPath = async () => {
    if (location.endsWith('.json')) return location;
    const info = await stat(location).catch(() => undefined);
    return info?.isDirectory() || !info ? join(location, 'model.json') : location;
  };
  return {
    async load() {
      return readTfjsModelFolder(await modelJsonPath(), limits);
    },
    async save(artifacts) {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new InvalidArgumentError('artifacts.modelTopology', 'a JSON topology (a layers model)', 'binary');
      }
      const jsonPath = await modelJsonPath();
      const folder = dirname(jsonPath);
      const weightData = artifacts.weightData
        ? new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData))
        : new Uint8Array(0);
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [weightsFileName], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      // Weights first: a crash between the two leaves the old model.json beside the new weights,
      // which load() refuses when their sizes differ (a changed architecture).
      await writeFileAtomically(join(folder, weightsFileName), weightData);
      await writeFileAtomically(jsonPath, JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/**
 * Lets tfjs URLs `file://...` load and save through {@link fileSystemHandler} (as tfjs-node does).
 * Registers only when no other handler (tfjs-node's) serves file:// already, and steps aside when
 * tfjs-node is loaded later (as `useBackend()` does), so file:// never gets two handlers; calling
 * it again is harmless.
 */
export function registerFileSystemRouter(): void {
  const probe = 'file:///ganforge-probe/model.json';
  if (tf.io.getLoadHandlers(probe).length === 0) {
    tf.io.registerLoadRouter(fileUrlRouter);
  }
  if (tf.io.getSaveHandlers(probe).length === 0) {
    tf.io.registerSaveRouter(fileUrlRouter);
  }
}

// tfjs routers answer null for URLs they do not serve, though the type says IOHandler. tfjs-node
// (backend 'tensorflow') registers its own file:// router on import: with ours answering too, tfjs
// would refuse every file:// URL ("Found more than one load handlers").
const fileUrlRouter = (url: string | string[]) =>
  (typeof url === 'string' && url.startsWith('file://') && tf.findBackendFactory('tensorflow') === null
    ? fileSystemHandler(url)
    : null) as tf.io.IOHandler;
