import { existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import {
  FileNotFoundError,
  InvalidArgumentError,
  InvalidFileError,
  SizeLimitError,
  UnsafePathError,
} from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';

import { saveUpscalingModel } from '../inference/upscaling-model.js';
import { srresnet } from '../models/srresnet.js';
import { defaultMaxPackageJsonBytes, ModelNotFoundError, resolveUpscalingModel } from '../node.js';

// A model package resolves the same from any working directory: first from the working directory's
// project, then from where @ganforge/srgan is installed (the ganforge CLI's own tree). That second
// step is tested through the CLI in a child process (packages/cli/src/commands/upscale-model-package.test.ts):
// in this process NODE_PATH, which pnpm's vitest launcher sets, would find packages from anywhere.
const srganModuleFolder = dirname(fileURLToPath(new URL('./resolve-upscaling-model.ts', import.meta.url)));
const startFolder = process.cwd();
afterEach(() => process.chdir(startFolder));

/** A new folder outside every project (tmpdir has no node_modules above it). */
function outsideAnyProject(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), 'ganforge-cwd-')));
}

describe('resolveUpscalingModel from any working directory', () => {
  it("finds a model package installed in the working directory's project first", async () => {
    const project = outsideAnyProject();
    const packageFolder = join(project, 'node_modules', 'ganforge-fixture-model');
    mkdirSync(packageFolder, { recursive: true });
    writeFileSync(join(packageFolder, 'package.json'), JSON.stringify({ name: 'ganforge-fixture-model' }));
    const generator = srresnet({ blocks: 1, filters: 4, scale: 2, seed: 7 });
    await saveUpscalingModel(generator, pathToFileURL(packageFolder).href, { scale: 2, padding: 5 });
    const nested = join(project, 'photos', 'today');
    mkdirSync(nested, { recursive: true });
    process.chdir(nested); // Node's lookup climbs to the project's node_modules
    const loaded = await resolveUpscalingModel('ganforge-fixture-model');
    expect(loaded).toMatchObject({ scale: 2, padding: 5 });
    // The same network: its prediction equals the saved generator's.
    const input = tf.randomUniform([1, 4, 4, 3], -1, 1, 'float32', 3);
    const difference = tf.tidy(() =>
      (loaded.model.predict(input) as tf.Tensor)
        .sub(generator.predict(input) as tf.Tensor)
        .abs()
        .max(),
    );
    expect((await difference.data())[0]).toBeLessThan(1e-6);
    tf.dispose([input, difference]);
    loaded.model.dispose();
    generator.dispose();
  });

  // The fault: a mistyped local path got "Install it (npm install runs/srresnt/model)", an invitation to
  // fetch a stranger's package; a path is not a package name (npm's naming rules), so it is named as a path.
  it('names a missing path as a path, never suggesting npm install for it', async () => {
    const folder = outsideAnyProject();
    process.chdir(folder);
    const attempt = resolveUpscalingModel('runs/srresnt/model');
    await expect(attempt).rejects.toThrow(ModelNotFoundError);
    await expect(attempt).rejects.toThrow(
      `model: 'runs/srresnt/model' is not a folder or file (resolved to ${join(folder, 'runs/srresnt/model')})`,
    );
    await expect(resolveUpscalingModel('runs/srresnt/model')).rejects.not.toThrow(/npm install/);
  });

  it('names every folder it looked from when the package is not installed', async () => {
    const folder = outsideAnyProject();
    process.chdir(folder);
    const attempt = resolveUpscalingModel('@ganforge/no-such-model');
    await expect(attempt).rejects.toThrow(ModelNotFoundError);
    await expect(attempt).rejects.toThrow(`resolves it from ${folder} or ${srganModuleFolder}`);
    await expect(resolveUpscalingModel('@ganforge/no-such-model', { from: [folder, folder] })).rejects.toThrow(
      `from ${folder} or ${folder} (their node_modules`,
    );
  });
});

/**
 * A project with node_modules/<name>: package.json with `packageJson`'s fields, and, when given, an
 * UpscalerJS-style definition module for ./4x whose setup() would write a marker file.
 */
function projectWithPackage(name: string, definition?: Record<string, unknown>) {
  const project = outsideAnyProject();
  const root = join(project, 'node_modules', name);
  mkdirSync(root, { recursive: true });
  const marker = join(project, 'setup-ran');
  const exports = definition ? { './4x': './x4.cjs' } : undefined;
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name, ...(exports ? { exports } : {}) }));
  if (definition) {
    writeFileSync(
      join(root, 'x4.cjs'),
      `module.exports = { ...${JSON.stringify(definition)}, setup: () => require('node:fs').writeFileSync(${JSON.stringify(marker)}, '') };`,
    );
  }
  return { project, root, marker };
}

describe('resolveUpscalingModel with a hostile or broken npm package', () => {
  it("refuses a model definition whose path leads out of the package ('../../'), before its setup code runs", async () => {
    const { project, marker } = projectWithPackage('ganforge-escape-model', { path: '../../outside/model.json' });
    mkdirSync(join(project, 'outside'));
    writeFileSync(join(project, 'outside', 'model.json'), '{}');
    const attempt = resolveUpscalingModel('ganforge-escape-model', { from: project });
    await expect(attempt).rejects.toBeInstanceOf(UnsafePathError);
    await expect(attempt).rejects.toThrow(/the model path of ganforge-escape-model\/4x has a '\.\.' segment/);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses an absolute model path in a definition', async () => {
    const { project } = projectWithPackage('ganforge-absolute-model', { path: '/etc/passwd' });
    await expect(resolveUpscalingModel('ganforge-absolute-model', { from: project })).rejects.toThrow(
      /\/etc\/passwd: refused: the model path of ganforge-absolute-model\/4x is an absolute path/,
    );
  });

  it('refuses a package whose models/x4 folder is a link out of the package', async () => {
    const { project, root } = projectWithPackage('ganforge-linked-model');
    mkdirSync(join(project, 'elsewhere'));
    writeFileSync(join(project, 'elsewhere', 'model.json'), '{}');
    mkdirSync(join(root, 'models'));
    symlinkSync(join(project, 'elsewhere'), join(root, 'models', 'x4'));
    const attempt = resolveUpscalingModel('ganforge-linked-model', { from: project });
    await expect(attempt).rejects.toBeInstanceOf(UnsafePathError);
    await expect(attempt).rejects.toThrow(/outside its folder/);
  });

  it('says what it looked for in a package that holds no model (InvalidFileError)', async () => {
    const { project, root } = projectWithPackage('ganforge-empty-model');
    const attempt = resolveUpscalingModel('ganforge-empty-model', { from: project });
    await expect(attempt).rejects.toBeInstanceOf(InvalidFileError);
    await expect(attempt).rejects.toThrow(
      `${root}: expected an npm package ganforge-empty-model that exports an UpscalerJS model definition './4x' or holds model.json, models/x4/model.json, model/model.json, received a package with none of them.`,
    );
  });

  it('refuses a definition whose fields have the wrong types', async () => {
    const { project, marker } = projectWithPackage('ganforge-typo-model', { path: 42 });
    const attempt = resolveUpscalingModel('ganforge-typo-model', { from: project });
    await expect(attempt).rejects.toBeInstanceOf(InvalidFileError);
    await expect(attempt).rejects.toThrow(/definition at ganforge-typo-model\/4x whose path is string/);
    expect(existsSync(marker)).toBe(false);
  });

  it('gives a FileNotFoundError (code FILE_NOT_FOUND) for a package installed nowhere', async () => {
    const folder = outsideAnyProject();
    const attempt = resolveUpscalingModel('@ganforge/no-such-model', { from: folder });
    await expect(attempt).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(attempt).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', argument: 'model' });
  });
});

describe("resolveUpscalingModel: the size limit of a model package's package.json", () => {
  /** A package whose package.json is `bytes` long (a name padded with a long "description"). */
  function packageWithLargeManifest(name: string, bytes: number) {
    const { project, root } = projectWithPackage(name);
    const skeleton = JSON.stringify({ name, description: '' });
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ name, description: 'x'.repeat(bytes - skeleton.length) }),
    );
    return { project, root };
  }
  const noModel = /received a package with none of them\.$/;

  it('refuses one above 1 MiB before reading it, naming the option and the variable that raise the limit', async () => {
    // 2^20 + 1 bytes: one byte above the default, written by hand as 1,048,576.
    expect(defaultMaxPackageJsonBytes).toBe(1_048_576);
    const { project, root } = packageWithLargeManifest('ganforge-big-manifest', 2 ** 20 + 1);
    const attempt = resolveUpscalingModel('ganforge-big-manifest', { from: project });
    await expect(attempt).rejects.toBeInstanceOf(SizeLimitError);
    await expect(attempt).rejects.toThrow(
      `package.json ${join(root, 'package.json')}: expected at most 1,048,576 bytes, received 1,048,577 bytes. ` +
        'If you trust this input, raise the limit with the maxPackageJsonBytes option (environment variable ' +
        'GANFORGE_MAX_PACKAGE_JSON_BYTES for the ganforge CLI).',
    );
  });

  it('reads it when maxPackageJsonBytes or GANFORGE_MAX_PACKAGE_JSON_BYTES raises the limit', async () => {
    const { project } = packageWithLargeManifest('ganforge-big-manifest-raised', 2 ** 20 + 1);
    // Past the limit, the package is read and found to hold no model.
    await expect(
      resolveUpscalingModel('ganforge-big-manifest-raised', { from: project, maxPackageJsonBytes: 2 ** 21 }),
    ).rejects.toThrow(noModel);
    process.env['GANFORGE_MAX_PACKAGE_JSON_BYTES'] = String(2 ** 21);
    try {
      await expect(resolveUpscalingModel('ganforge-big-manifest-raised', { from: project })).rejects.toThrow(noModel);
      // The option wins over the variable.
      await expect(
        resolveUpscalingModel('ganforge-big-manifest-raised', { from: project, maxPackageJsonBytes: 100 }),
      ).rejects.toMatchObject({ code: 'SIZE_LIMIT', limit: 100 });
    } finally {
      delete process.env['GANFORGE_MAX_PACKAGE_JSON_BYTES'];
    }
  });

  it('refuses a maxPackageJsonBytes that is not a positive whole number, naming it', async () => {
    const attempt = resolveUpscalingModel('ganforge-anything', { maxPackageJsonBytes: 0.5 });
    await expect(attempt).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(attempt).rejects.toThrow('maxPackageJsonBytes: expected a positive whole number of bytes');
  });
});
