import { basename, dirname, resolve } from 'node:path';

import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, InvalidFileError, SizeLimitError } from '@ganforge/core';
import { limitFromEnvironment } from './limit-from-environment.js';
import { readRegularFile, regularFileSize } from './read-regular-file.js';
import { resolveConfinedPath } from './resolve-confined-path.js';
import { manifestWeightBytes, parseTfjsModelJson } from './tfjs-model-json.js';

/** Size limits of {@link readTfjsModelFolder}; both are checked before anything is read or allocated. */
export interface TfjsModelFolderLimits {
  /**
   * Largest model.json accepted, in bytes. Default: the environment variable
   * `GANFORGE_MAX_MODEL_JSON_BYTES`, else {@link defaultMaxModelJsonBytes}.
   */
  readonly maxModelJsonBytes?: number;
  /**
   * Largest total of weight bytes (all shards) accepted. Default: the environment variable
   * `GANFORGE_MAX_WEIGHT_BYTES`, else {@link defaultMaxWeightBytes}.
   */
  readonly maxWeightBytes?: number;
}

/**
 * 64 MiB: a layers topology is text of a few kB per layer (UpscalerJS's ESRGAN-slim: 12 kB; a
 * Keras ResNet-152 converted by tfjs: about 0.5 MB), so this leaves two orders of magnitude.
 */
export const defaultMaxModelJsonBytes = 64 * 1024 * 1024;

/**
 * 1 GiB: VGG19 with its classifier (the largest model GANForge loads) is 548 MiB in float32;
 * SRResNet-16 is 6 MiB.
 */
export const defaultMaxWeightBytes = 1024 * 1024 * 1024;

/**
 * Reads a tfjs layers model (a model.json and the weight shards its `weightsManifest` lists) from
 * the local file system, refusing what a stranger's folder could use to read elsewhere, hang or
 * exhaust memory. Before any shard is opened:
 * - model.json is parsed with a schema ({@link tfjsModelJsonSchema}), not cast;
 * - every shard path must stay inside the folder of model.json: no URL, absolute path, backslash,
 *   `..` segment or symbolic link that leads out (the folder itself may be a link);
 * - model.json and every shard must be regular files (a FIFO would block; a device never ends);
 * - model.json's size and the weights' total must be within `limits`;
 * - the bytes the manifest implies (elements x bytes of each weight's stored dtype, quantized
 *   dtypes included) must equal the shards' total size.
 *
 * The topology is returned as parsed; building a model from it is the caller's step (check it
 * against the weights first).
 *
 * @param modelJsonPath the model.json file (its folder is the boundary for its shards).
 * @returns tfjs model artifacts, with all shards concatenated in manifest order in one `weightData`.
 * @throws FileNotFoundError (model.json or a shard missing), UnsafePathError (path outside the
 *   folder, not a regular file), SizeLimitError (naming the limit's option and variable),
 *   InvalidFileError (model.json not JSON or not of the schema, or shard bytes not what the
 *   manifest implies), InvalidArgumentError (a limit that is not a positive integer).
 *
 * @example
 * ```ts
 * import { readTfjsModelFolder } from '@ganforge/core/node';
 * const artifacts = await readTfjsModelFolder('models/x4/model.json', { maxWeightBytes: 2 * 1024 ** 3 });
 * ```
 */
export async function readTfjsModelFolder(
  modelJsonPath: string,
  limits: TfjsModelFolderLimits = {},
): Promise<tf.io.ModelArtifacts> {
  const maxModelJsonBytes = limit(limits.maxModelJsonBytes, 'maxModelJsonBytes', defaultMaxModelJsonBytes);
  const maxWeightBytes = limit(limits.maxWeightBytes, 'maxWeightBytes', defaultMaxWeightBytes);
  const folder = dirname(resolve(modelJsonPath));
  const jsonPath = await resolveConfinedPath(folder, basename(modelJsonPath), 'model.json');
  const text = await readRegularFile(jsonPath, {
    what: 'model.json',
    maxBytes: maxModelJsonBytes,
    limitOption: limitOptionName('maxModelJsonBytes'),
  });
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch (cause) {
    throw new InvalidFileError(jsonPath, 'a tfjs layers model.json (UTF-8 text)', 'bytes that are not UTF-8', {
      cause,
    });
  }
  const json = parseTfjsModelJson(decoded, jsonPath);
  const groups = json.weightsManifest ?? [];
  const weightSpecs = groups.flatMap((group) => group.weights);
  const expectedBytes = manifestWeightBytes(weightSpecs, jsonPath);
  if (expectedBytes > maxWeightBytes) {
    throw new SizeLimitError(
      `the weights of ${jsonPath}`,
      maxWeightBytes,
      expectedBytes,
      'bytes',
      limitOptionName('maxWeightBytes'),
    );
  }

  // Every path judged and every size known before the first shard is opened.
  const shards: { path: string; bytes: number }[] = [];
  for (const [groupIndex, group] of groups.entries()) {
    for (const [pathIndex, written] of group.paths.entries()) {
      const where = `weightsManifest[${groupIndex}].paths[${pathIndex}] of ${jsonPath}`;
      const path = await resolveConfinedPath(folder, written, where);
      shards.push({ path, bytes: await regularFileSize(path, 'weight shard') });
    }
  }
  const shardBytes = shards.reduce((sum, shard) => sum + shard.bytes, 0);
  if (shardBytes !== expectedBytes) {
    throw new InvalidFileError(
      jsonPath,
      `weight shards of ${expectedBytes} bytes in all (what its weightsManifest's shapes and dtypes take)`,
      `${shards.length} shard${shards.length === 1 ? '' : 's'} of ${shardBytes} bytes`,
    );
  }
  const weightData = new ArrayBuffer(expectedBytes);
  let offset = 0;
  for (const shard of shards) {
    await readRegularFile(shard.path, { what: 'weight shard', into: new Uint8Array(weightData, offset, shard.bytes) });
    offset += shard.bytes;
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format ?? undefined,
    generatedBy: json.generatedBy ?? undefined,
    convertedBy: json.convertedBy,
    weightSpecs,
    weightData,
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  };
}

const environmentVariables = {
  maxModelJsonBytes: 'GANFORGE_MAX_MODEL_JSON_BYTES',
  maxWeightBytes: 'GANFORGE_MAX_WEIGHT_BYTES',
} as const;

function limitOptionName(option: keyof typeof environmentVariables): string {
  return `the ${option} option (environment variable ${environmentVariables[option]} for the ganforge CLI)`;
}

function limit(value: number | undefined, option: keyof typeof environmentVariables, fallback: number): number {
  if (value === undefined) return limitFromEnvironment(environmentVariables[option]) ?? fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(option, 'a positive whole number of bytes', value);
  }
  return value;
}
