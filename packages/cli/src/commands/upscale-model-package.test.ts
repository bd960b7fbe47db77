import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { pngSize } from '../test-support/run-ganforge.js';

const packageRoot = new URL('../..', import.meta.url).pathname;
// `--import tsx` would be looked up from the child's working directory, which has no node_modules.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs the real `ganforge` entry point from `cwd`, without the NODE_PATH that pnpm's launchers set. */
function ganforgeIn(cwd: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GANFORGE_BACKEND: '',
    // tsx maps the workspace packages to their sources through this tsconfig's paths.
    TSX_TSCONFIG_PATH: join(packageRoot, 'tsconfig.json'),
  };
  delete env['NODE_PATH'];
  return spawnSync(process.execPath, ['--import', tsxLoader, join(packageRoot, 'src/bin.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env,
  });
}

describe('ganforge upscale --model <npm package>', () => {
  it('finds @upscalerjs/esrgan-slim from a working directory outside any project (next to the CLI)', () => {
    // Before: looked up from the working directory only, so it worked in one package's folder alone.
    // The CLI's tree (here the workspace, where @ganforge/srgan's devDependencies install it) has it.
    const folder = realpathSync(mkdtempSync(join(tmpdir(), 'ganforge-cwd-')));
    const png = new PNG({ width: 6, height: 5 });
    png.data.fill(200);
    writeFileSync(join(folder, 'in.png'), PNG.sync.write(png));
    const result = ganforgeIn(folder, 'upscale', 'in.png', 'out.png', '--model', '@upscalerjs/esrgan-slim');
    expect(result.stderr).not.toMatch(/ganforge: model:/);
    expect(result.status).toBe(0);
    expect(pngSize(join(folder, 'out.png'))).toEqual([24, 20]); // x4, the CLI's default scale
  }, 120_000);

  it('lists where it looked when the package is installed nowhere', () => {
    const folder = realpathSync(mkdtempSync(join(tmpdir(), 'ganforge-cwd-')));
    const png = new PNG({ width: 4, height: 4 });
    writeFileSync(join(folder, 'in.png'), PNG.sync.write(png));
    const result = ganforgeIn(folder, 'upscale', 'in.png', 'out.png', '--model', '@ganforge/no-such-model');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`resolves it from ${folder} or `);
    expect(result.stderr).toContain('install it (npm install @ganforge/no-such-model)');
  }, 120_000);
});
