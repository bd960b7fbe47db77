// Packs every published package, installs the tarballs with @tensorflow/tfjs into a new empty
// project, and checks that `import`, `require` and the TypeScript types work there, as they will
// for a user who runs `npm install @ganforge/core @tensorflow/tfjs`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');
const published = readdirSync(packagesDir)
  .map((name) => ({
    dir: join(packagesDir, name),
    manifest: JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')),
  }))
  .filter(({ manifest }) => !manifest.private);

const work = mkdtempSync(join(tmpdir(), 'ganforge-pack-'));
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const tarballs = {};
for (const { dir, manifest } of published) {
  const output = run('npx', ['--yes', 'pnpm@10', 'pack', '--pack-destination', work], dir).trim().split('\n');
  tarballs[manifest.name] = join(work, output.at(-1).split('/').at(-1));
  console.log(`packed ${manifest.name} -> ${tarballs[manifest.name]}`);
}

const project = join(work, 'consumer');
run('mkdir', ['-p', project], work);
const overrides = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
writeFileSync(
  join(project, 'package.json'),
  JSON.stringify(
    {
      name: 'consumer',
      private: true,
      version: '1.0.0',
      dependencies: { ...overrides, '@tensorflow/tfjs': '4.22.0', typescript: '~5.9.3', '@types/node': '^20.19.0' },
      overrides,
    },
    null,
    2,
  ),
);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);

const entries = published.flatMap(({ manifest }) =>
  Object.keys(manifest.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}${key.slice(1)}`)),
);
const esm = entries
  .map(
    (entry, i) =>
      `import * as m${i} from '${entry}';\nif (Object.keys(m${i}).length === 0) throw new Error('${entry}: empty ESM exports');`,
  )
  .join('\n');
writeFileSync(join(project, 'esm-check.mjs'), `${esm}\nconsole.log('import ok: ${entries.length} entry points');\n`);
const cjs = entries
  .map((entry) => `if (Object.keys(require('${entry}')).length === 0) throw new Error('${entry}: empty CJS exports');`)
  .join('\n');
writeFileSync(join(project, 'cjs-check.cjs'), `${cjs}\nconsole.log('require ok: ${entries.length} entry points');\n`);
console.log(run('node', ['esm-check.mjs'], project).trim());
console.log(run('node', ['cjs-check.cjs'], project).trim());

// Types, both module systems: a consumer uses the main APIs and the compiler must find their types.
// skipLibCheck: tfjs-layers' own .d.ts do not compile under strict checking; the @ts-expect-error
// lines prove that our declarations resolve to real types rather than 'any'.
writeFileSync(
  join(project, 'types-check.mts'),
  `import * as tf from '@tensorflow/tfjs';
import { AdversarialTrainer, dcgan, TensorDataset, type StepEvent } from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import { tileImages } from '@ganforge/data';
import { loadMnist } from '@ganforge/data/node';
import { useBackend } from '@ganforge/backend-node';
const { generator, discriminator } = dcgan({ size: 28 });
const trainer: AdversarialTrainer = new AdversarialTrainer({ generator, discriminator, noise: { dim: 100 } });
const onStep = (event: StepEvent): number => event.step;
export const checks = [trainer, onStep, FileCheckpointStore, tileImages, loadMnist, useBackend, TensorDataset, tf.zeros];
// The types are real, not 'any': each of these lines must be a type error.
// @ts-expect-error step is a number
export const wrong: string = trainer.step;
// @ts-expect-error size must be 28, 32 or 64
dcgan({ size: 48 });
`,
);
writeFileSync(
  join(project, 'types-check.cts'),
  `import { AdversarialTrainer } from '@ganforge/core';
import { useBackend } from '@ganforge/backend-node';
export const checks = [AdversarialTrainer, useBackend];
// @ts-expect-error useBackend returns a promise of BackendInfo, not a string
export const wrong: Promise<string> = useBackend();
`,
);
writeFileSync(
  join(project, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      lib: ['ES2022', 'DOM'],
      types: ['node'],
    },
    files: ['types-check.mts', 'types-check.cts'],
  }),
);
run('npx', ['tsc', '-p', '.'], project);
console.log('types ok (node16, ESM and CJS)');

// The CLI's bin runs from the installed package.
const version = run(join(project, 'node_modules', '.bin', 'ganforge'), ['--version'], project).trim();
console.log(`ganforge --version: ${version}`);
if (version !== tarballs['@ganforge/cli'].match(/-(\d+\.\d+\.\d+[^/]*)\.tgz$/)[1])
  throw new Error(`unexpected CLI version ${version}`);
