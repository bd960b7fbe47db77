import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { GanForgeError, InvalidArgumentError, loadGenerator } from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import { type UpscalingMetadata, type UpscalingModel, upscalingModel } from '@ganforge/srgan';
import * as tf from '@tensorflow/tfjs';

import { fileSystemHandler } from './file-system-handler.js';

/** A model could not be found or loaded; the message says where GANForge looked. */
export class ModelNotFoundError extends GanForgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_NOT_FOUND', message, options);
  }
}

/** What an UpscalerJS model package exports per scale (`@upscalerjs/<model>/<scale>x`). */
interface UpscalerJsModelDefinition {
  readonly scale?: number;
  readonly modelType?: string;
  readonly path?: string;
  readonly _internals?: { readonly path?: string };
  readonly inputRange?: readonly [number, number];
  readonly outputRange?: readonly [number, number];
  readonly setup?: (tfjs: typeof tf) => void | Promise<void>;
  readonly preprocess?: unknown;
  readonly postprocess?: unknown;
}

/**
 * Finds and loads a super-resolution model for Node, from:
 * - a folder with a model.json (tfjs layers format), or the model.json itself;
 * - a `ganforge train srresnet|srgan` run folder: its `model/model.json`, else its `latest.gfckpt`;
 * - an npm package name, looked up the way Node does (`node_modules` of each folder upwards) from
 *   each folder of `from` in turn; by default the working directory's project first, then the
 *   install of `@ganforge/srgan` itself (so the `ganforge` CLI finds packages installed next to it,
 *   from any working directory). UpscalerJS model packages (`@upscalerjs/esrgan-slim`, ...) are read
 *   through their `./<scale>x` model definition (model path, pixel ranges, custom-layer setup),
 *   other packages through a model.json at their root.
 *
 * @throws ModelNotFoundError when nothing loadable is found; for a package name, the message lists
 *   every folder it was looked up from.
 *
 * @example
 * ```ts
 * const esrgan = await resolveUpscalingModel('@upscalerjs/esrgan-slim', { scale: 4 });
 * const ours = await resolveUpscalingModel('runs/srgan');
 * ```
 */
export async function resolveUpscalingModel(
  specifier: string,
  options: UpscalingMetadata & { from?: string | readonly string[] } = {},
): Promise<UpscalingModel> {
  if (typeof specifier !== 'string' || specifier.length === 0) {
    throw new InvalidArgumentError('model', 'a folder, a model.json path or an npm package name', specifier);
  }
  const { from, ...metadata } = options;
  const path = resolve(specifier);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, 'model.json'))) return loadFromJson(join(path, 'model.json'), metadata);
      // A `ganforge train srresnet|srgan` run: the final generator in model/, else the latest checkpoint.
      if (existsSync(join(path, 'model', 'model.json')))
        return loadFromJson(join(path, 'model', 'model.json'), metadata);
      if (existsSync(join(path, 'latest.gfckpt'))) return loadFromCheckpoint(path, metadata);
      throw new ModelNotFoundError(
        `model: the folder ${path} has no model.json (tfjs layers format), model/model.json or latest.gfckpt (a GANForge run).`,
      );
    }
    return loadFromJson(path, metadata);
  }
  return loadFromPackage(specifier, from === undefined ? defaultSearchFolders() : [from].flat(), metadata);
}

/** The working directory, then the folder this module is installed in (inside the CLI's own tree when the CLI runs). */
function defaultSearchFolders(): string[] {
  return [process.cwd(), dirname(fileURLToPath(import.meta.url))];
}

async function loadFromJson(path: string, metadata: UpscalingMetadata): Promise<UpscalingModel> {
  try {
    return upscalingModel(await tf.loadLayersModel(fileSystemHandler(path)), metadata);
  } catch (cause) {
    throw new ModelNotFoundError(
      `model: could not load the tfjs layers model ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

async function loadFromCheckpoint(folder: string, metadata: UpscalingMetadata): Promise<UpscalingModel> {
  const checkpoint = await new FileCheckpointStore(folder).load('latest');
  const generator = await loadGenerator(checkpoint);
  const stored = (checkpoint?.metadata['upscaling'] ?? {}) as UpscalingMetadata;
  return upscalingModel(generator, { ...stored, ...metadata });
}

async function loadFromPackage(
  name: string,
  searchFolders: readonly string[],
  metadata: UpscalingMetadata,
): Promise<UpscalingModel> {
  const found = findPackage(name, searchFolders);
  if (found === undefined) {
    throw new ModelNotFoundError(
      `model: '${name}' is not a folder or file, nor an npm package installed where Node resolves it from ` +
        `${searchFolders.map((folder) => resolve(folder)).join(' or ')} (their node_modules and those of every folder above). ` +
        `Install it (npm install ${name}) or pass a folder with a model.json.`,
    );
  }
  const { require, packageJsonPath } = found;
  const root = dirname(packageJsonPath);
  const manifest = JSON.parse(await readFile(packageJsonPath, 'utf8')) as { exports?: Record<string, unknown> };
  const scale = metadata.scale ?? 4;
  const entry = `./${scale}x`;
  if (manifest.exports && entry in manifest.exports) {
    const loaded = require(`${name}/${scale}x`) as UpscalerJsModelDefinition | { default: UpscalerJsModelDefinition };
    const definition = 'default' in loaded ? loaded.default : loaded;
    if (definition.modelType !== undefined && definition.modelType !== 'layers') {
      throw new ModelNotFoundError(
        `model: ${name}/${scale}x is a '${definition.modelType}' model; upscale runs tfjs layers models only.`,
      );
    }
    if (definition.preprocess !== undefined || definition.postprocess !== undefined) {
      throw new ModelNotFoundError(
        `model: ${name}/${scale}x needs custom pre/postprocessing, which upscale does not run.`,
      );
    }
    // UpscalerJS ESRGAN packages register their custom layers (e.g. MultiplyBeta, PixelShuffle4x) here.
    await definition.setup?.(tf);
    const modelPath = definition.path ?? definition._internals?.path ?? `models/x${scale}/model.json`;
    return loadFromJson(join(root, modelPath), {
      scale: definition.scale ?? scale,
      inputRange: definition.inputRange,
      outputRange: definition.outputRange,
      ...metadata,
    });
  }
  for (const candidate of ['model.json', `models/x${scale}/model.json`, 'model/model.json']) {
    if (existsSync(join(root, candidate))) return loadFromJson(join(root, candidate), metadata);
  }
  throw new ModelNotFoundError(
    `model: the package ${name} (${root}) exports no '${entry}' model definition and has no model.json.`,
  );
}

/** The first folder of `searchFolders` from which Node's lookup reaches `<name>/package.json`. */
function findPackage(name: string, searchFolders: readonly string[]) {
  for (const folder of searchFolders) {
    const require = createRequire(join(resolve(folder), 'package.json'));
    // Node's own lookup folders; not require.resolve('<name>/package.json'), which a package's "exports" may hide.
    const packageJsonPath = (require.resolve.paths(name) ?? [])
      .map((lookup) => join(lookup, name, 'package.json'))
      .find((candidate) => existsSync(candidate));
    if (packageJsonPath !== undefined) return { require, packageJsonPath };
  }
  return undefined;
}
