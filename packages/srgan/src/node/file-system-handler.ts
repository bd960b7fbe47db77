import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { InvalidArgumentError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

const weightsFileName = 'weights.bin';

/**
 * A tfjs IOHandler for a model folder (or a model.json path) on the local file system: `load()`
 * reads model.json and the weight shards it lists; `save()` writes model.json and one
 * `weights.bin`, each to a temporary file renamed into place.
 *
 * @example
 * ```ts
 * await model.save(fileSystemHandler('runs/srresnet/model'));
 * const again = await tf.loadLayersModel(fileSystemHandler('runs/srresnet/model/model.json'));
 * ```
 */
export function fileSystemHandler(path: string): tf.io.IOHandler {
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
      const jsonPath = await modelJsonPath();
      const json = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
      const folder = dirname(jsonPath);
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest ?? []) {
        weightSpecs.push(...group.weights);
        for (const shard of group.paths) buffers.push(await readFile(join(folder, shard)));
      }
      const weightData = concatenate(buffers);
      return tf.io.getModelArtifactsForJSON(json, async () => [weightSpecs, weightData]);
    },
    async save(artifacts) {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new InvalidArgumentError('artifacts.modelTopology', 'a JSON topology (a layers model)', 'binary');
      }
      const jsonPath = await modelJsonPath();
      const folder = dirname(jsonPath);
      await mkdir(folder, { recursive: true });
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
      await atomicWrite(join(folder, weightsFileName), weightData);
      await atomicWrite(jsonPath, JSON.stringify(json));
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

function concatenate(buffers: readonly Uint8Array[]): ArrayBuffer {
  const total = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const buffer of buffers) {
    joined.set(buffer, offset);
    offset += buffer.byteLength;
  }
  return joined.buffer;
}

async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}
