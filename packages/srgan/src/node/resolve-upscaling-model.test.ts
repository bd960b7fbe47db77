import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';

import { saveUpscalingModel } from '../inference/upscaling-model.js';
import { srresnet } from '../models/srresnet.js';
import { ModelNotFoundError, resolveUpscalingModel } from '../node.js';

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
