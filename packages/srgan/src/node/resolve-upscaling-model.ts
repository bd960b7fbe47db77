import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  FileNotFoundError,
  GanForgeError,
  InvalidArgumentError,
  InvalidFileError,
  loadGenerator,
} from '@ganforge/core';
import {
  FileCheckpointStore,
  limitFromEnvironment,
  loadTfjsModelFolder,
  readRegularFile,
  resolveConfinedPath,
  type LoadTfjsModelFolderOptions,
} from '@ganforge/core/node';
import { type UpscalingMetadata, type UpscalingModel, upscalingModel } from '@ganforge/srgan';
import * as tf from '@tensorflow/tfjs';
import * as v from 'valibot';

/**
 * No model was found where the `model` argument points (a folder without a model, an npm package
 * installed nowhere Node looks); the message says where GANForge looked. A {@link FileNotFoundError}
 * (code `FILE_NOT_FOUND`).
 */
export class ModelNotFoundError extends FileNotFoundError {
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('model', path, 'a model', options);
    // FileNotFoundError's sentence cannot say where GANForge looked; this one does.
    this.message = message;
  }
}

// The part of a package.json read here: only the keys of an "exports" map matter.
const packageJsonSchema = v.looseObject({
  exports: v.optional(v.union([v.string(), v.array(v.unknown()), v.record(v.string(), v.unknown())])),
});

const rangeSchema = v.pipe(v.tuple([v.pipe(v.number(), v.finite()), v.pipe(v.number(), v.finite())]), v.readonly());

/** What an UpscalerJS model package exports per scale (`@upscalerjs/<model>/<scale>x`). */
const upscalerJsModelDefinitionSchema = v.looseObject({
  scale: v.optional(v.number()),
  modelType: v.optional(v.string()),
  path: v.optional(v.string()),
  _internals: v.optional(v.looseObject({ path: v.optional(v.string()) })),
  inputRange: v.optional(rangeSchema),
  outputRange: v.optional(rangeSchema),
  setup: v.optional(v.function()),
  preprocess: v.optional(v.unknown()),
  postprocess: v.optional(v.unknown()),
});

/**
 * Default of `ResolveUpscalingModelOptions.maxPackageJsonBytes`: 1 MiB. The package.json files of npm
 * packages are a few kB (`@upscalerjs/esrgan-slim` 1.0.0: 2.5 kB); only the keys of "exports" are used.
 */
export const defaultMaxPackageJsonBytes = 1024 * 1024;

const packageJsonBytesVariable = 'GANFORGE_MAX_PACKAGE_JSON_BYTES';

/** Options of {@link resolveUpscalingModel}: metadata that overrides the model's, where to look, limits. */
export type ResolveUpscalingModelOptions = UpscalingMetadata &
  LoadTfjsModelFolderOptions & {
    /** Folders from which npm packages are looked up (default: the working directory, then this package's install). */
    readonly from?: string | readonly string[];
    /**
     * Largest package.json of an npm model package read, in bytes (checked before it is read). Default:
     * the environment variable `GANFORGE_MAX_PACKAGE_JSON_BYTES`, else {@link defaultMaxPackageJsonBytes}.
     */
    readonly maxPackageJsonBytes?: number;
  };

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
  options: ResolveUpscalingModelOptions = {},
): Promise<UpscalingModel> {
  if (typeof specifier !== 'string' || specifier.length === 0) {
    throw new InvalidArgumentError('model', 'a folder, a model.json path or an npm package name', specifier);
  }
  const { from, maxModelJsonBytes, maxWeightBytes, maxPackageJsonBytes, topologyLimits, ...metadata } = options;
  const limits = { maxModelJsonBytes, maxWeightBytes, topologyLimits };
  if (
    maxPackageJsonBytes !== undefined &&
    (typeof maxPackageJsonBytes !== 'number' || !Number.isSafeInteger(maxPackageJsonBytes) || maxPackageJsonBytes <= 0)
  ) {
    throw new InvalidArgumentError('maxPackageJsonBytes', 'a positive whole number of bytes', maxPackageJsonBytes);
  }
  const path = resolve(specifier);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, 'model.json'))) return loadFromJson(join(path, 'model.json'), metadata, limits);
      // A `ganforge train srresnet|srgan` run: the final generator in model/, else the latest checkpoint.
      if (existsSync(join(path, 'model', 'model.json')))
        return loadFromJson(join(path, 'model', 'model.json'), metadata, limits);
      if (existsSync(join(path, 'latest.gfckpt'))) return loadFromCheckpoint(path, metadata);
      throw new ModelNotFoundError(
        path,
        `model: the folder ${path} has no model.json (tfjs layers format), model/model.json or latest.gfckpt (a GANForge run).`,
      );
    }
    return loadFromJson(path, metadata, limits);
  }
  const packageJsonLimit =
    maxPackageJsonBytes ?? limitFromEnvironment(packageJsonBytesVariable) ?? defaultMaxPackageJsonBytes;
  return loadFromPackage(
    specifier,
    from === undefined ? defaultSearchFolders() : [from].flat(),
    metadata,
    limits,
    packageJsonLimit,
  );
}

/** The working directory, then the folder this module is installed in (inside the CLI's own tree when the CLI runs). */
function defaultSearchFolders(): string[] {
  return [process.cwd(), dirname(fileURLToPath(import.meta.url))];
}

async function loadFromJson(
  path: string,
  metadata: UpscalingMetadata,
  limits: LoadTfjsModelFolderOptions,
): Promise<UpscalingModel> {
  try {
    // Not tf.loadLayersModel: its topology build allocates whatever the topology asks for.
    return upscalingModel(await loadTfjsModelFolder(path, limits), metadata);
  } catch (cause) {
    // Refusals of the folder reader and the guarded build keep their class and code.
    if (cause instanceof GanForgeError) throw cause;
    throw new InvalidFileError(
      path,
      'a tfjs layers model that tfjs can build',
      // In parentheses: tfjs's messages end with a period, and InvalidFileError adds its own.
      `one that tfjs refuses (${cause instanceof Error ? cause.message : String(cause)})`,
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

// npm's rules for package names (validate-npm-package-name): lower case, URL-safe, optionally scoped.
const packageNamePattern = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

async function loadFromPackage(
  name: string,
  searchFolders: readonly string[],
  metadata: UpscalingMetadata,
  limits: LoadTfjsModelFolderOptions,
  maxPackageJsonBytes: number,
): Promise<UpscalingModel> {
  const packageLike = packageNamePattern.test(name);
  if (!packageLike) {
    // A path with a typo (runs/srresnt/model): suggesting `npm install <path>` would send the user to the registry.
    throw new ModelNotFoundError(
      name,
      `model: '${name}' is not a folder or file (resolved to ${resolve(name)}), nor a name an npm package can have. ` +
        'Check the path: a folder with a model.json, or a `ganforge train srresnet|srgan` run folder.',
    );
  }
  const found = findPackage(name, searchFolders);
  if (found === undefined) {
    throw new ModelNotFoundError(
      name,
      `model: '${name}' is not a folder or file, nor an npm package installed where Node resolves it from ` +
        `${searchFolders.map((folder) => resolve(folder)).join(' or ')} (their node_modules and those of every folder above). ` +
        `If it is a model package you trust, install it (npm install ${name}); else pass a folder with a model.json.`,
    );
  }
  const { require, packageJsonPath } = found;
  // The boundary is the package's real folder (pnpm installs packages as symbolic links into its store).
  const root = dirname(await resolveConfinedPath(dirname(packageJsonPath), 'package.json', `the package ${name}`));
  const manifest = parsePackageJson(
    await readRegularFile(join(root, 'package.json'), {
      what: 'package.json',
      maxBytes: maxPackageJsonBytes,
      limitOption: `the maxPackageJsonBytes option (environment variable ${packageJsonBytesVariable} for the ganforge CLI)`,
    }),
    join(root, 'package.json'),
  );
  const scale = metadata.scale ?? 4;
  const entry = `./${scale}x`;
  if (typeof manifest.exports === 'object' && !Array.isArray(manifest.exports) && entry in manifest.exports) {
    const definition = upscalerJsDefinition(require(`${name}/${scale}x`), `${name}/${scale}x`, root);
    if (definition.modelType !== undefined && definition.modelType !== 'layers') {
      throw new InvalidFileError(
        root,
        `a tfjs layers model at ${name}/${scale}x (upscale runs layers models only)`,
        `a '${definition.modelType}' model`,
      );
    }
    if (definition.preprocess !== undefined || definition.postprocess !== undefined) {
      throw new InvalidFileError(
        root,
        `a model at ${name}/${scale}x that needs no custom pre/postprocessing (upscale does not run it)`,
        'a model definition with preprocess or postprocess',
      );
    }
    const modelPath = definition.path ?? definition._internals?.path ?? `models/x${scale}/model.json`;
    // Judged before the package's setup code runs and before anything of the model is read.
    const modelJson = await resolveConfinedPath(root, modelPath, `the model path of ${name}/${scale}x`);
    // UpscalerJS ESRGAN packages register their custom layers (e.g. MultiplyBeta, PixelShuffle4x) here.
    await definition.setup?.(tf);
    return loadFromJson(
      modelJson,
      {
        scale: definition.scale ?? scale,
        inputRange: definition.inputRange,
        outputRange: definition.outputRange,
        ...metadata,
      },
      limits,
    );
  }
  const candidates = ['model.json', `models/x${scale}/model.json`, 'model/model.json'];
  for (const candidate of candidates) {
    if (existsSync(join(root, candidate))) {
      const modelJson = await resolveConfinedPath(root, candidate, `the model of the package ${name}`);
      return loadFromJson(modelJson, metadata, limits);
    }
  }
  throw new InvalidFileError(
    root,
    `an npm package ${name} that exports an UpscalerJS model definition '${entry}' or holds ${candidates.join(', ')}`,
    'a package with none of them',
  );
}

function parsePackageJson(bytes: Uint8Array, path: string): v.InferOutput<typeof packageJsonSchema> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new InvalidFileError(path, 'a package.json (JSON text)', 'text that is not JSON', { cause });
  }
  const parsed = v.safeParse(packageJsonSchema, json);
  if (!parsed.success) {
    throw new InvalidFileError(
      path,
      'a package.json object whose "exports" is a string, array or object',
      'something else',
    );
  }
  return parsed.output;
}

/** The model definition an UpscalerJS package's `./<scale>x` export gives (its default export in ESM builds). */
function upscalerJsDefinition(exported: unknown, entry: string, root: string) {
  const candidate = v.is(v.looseObject({ default: v.looseObject({}) }), exported) ? exported.default : exported;
  const parsed = v.safeParse(upscalerJsModelDefinitionSchema, candidate);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new InvalidFileError(
      root,
      `an UpscalerJS model definition at ${entry} whose ${v.getDotPath(issue) ?? 'value'} is ${issue.expected ?? issue.message}`,
      issue.received,
    );
  }
  return parsed.output;
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
