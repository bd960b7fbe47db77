// Packs every published package, installs the tarballs into a new empty project the way the docs
// tell a user to (npm, no --legacy-peer-deps: tfjs and its WASM/WebGPU backends as the consumer's
// own `^4.22.0` dependencies, @upscalerjs/esrgan-slim with the documented `overrides`), and checks
// there: every tarball ships the LICENSE; the tree holds one tfjs-core and no unmet peer; `import`
// and `require` of every entry point work and leave plain tfjs ops running on tfjs's default
// backend; the TypeScript types resolve under moduleResolution node16, node10 and bundler; the CLI's
// bin runs and finds a model package from any working directory. Then every `npm install` (and
// `npm pkg set`) command the READMEs and docs give runs as written, file by file (see checkDocumentedInstalls).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Buffer } from 'node:buffer';
import { crc32, deflateSync } from 'node:zlib';

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

// Every tarball ships the repository's LICENSE (Apache-2.0, as each package.json says).
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
for (const [name, file] of Object.entries(tarballs)) {
  if (run('tar', ['-xzOf', file, 'package/LICENSE'], work) !== license)
    throw new Error(`${name}: the tarball's package/LICENSE is missing or differs from the repository's LICENSE`);
}
console.log(`LICENSE ok in ${Object.keys(tarballs).length} tarballs`);

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
      // As the READMEs say: tfjs and the two tfjs backends GANForge's backend packages load are the
      // consumer's own dependencies (GANForge's peers), in one version.
      dependencies: {
        ...overrides,
        '@tensorflow/tfjs': '^4.22.0',
        '@tensorflow/tfjs-backend-wasm': '^4.22.0',
        '@tensorflow/tfjs-backend-webgpu': '^4.22.0',
        '@upscalerjs/esrgan-slim': '1.0.0',
        typescript: '~5.9.3',
        '@types/node': '^20.19.0',
      },
      // esrgan-slim 1.0.0 asks for tfjs ~4.11 as a peer but runs on 4.22 (packages/srgan/README.md).
      overrides: { ...overrides, '@upscalerjs/esrgan-slim': { '@tensorflow/tfjs': '$@tensorflow/tfjs' } },
    },
    null,
    2,
  ),
);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
// One tfjs in the tree (two tfjs-core copies would be two engines with separate backends), and no
// unmet or invalid peer dependency (`npm ls` exits non-zero on one).
const cores = new Set(run('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--parseable'], project).trim().split('\n'));
if (cores.size !== 1)
  throw new Error(`expected one @tensorflow/tfjs-core, found ${cores.size}: ${[...cores].join(', ')}`);
run('npm', ['ls', '--all'], project);
console.log('dependency tree ok: one @tensorflow/tfjs-core, no unmet peers');

const entries = published.flatMap(({ manifest }) =>
  Object.keys(manifest.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}${key.slice(1)}`)),
);
// After importing every entry point, plain tfjs must still work before useBackend(): an import that
// registered a backend (tfjs-backend-wasm registers 'wasm' above 'cpu') would make this op throw.
const plainTfjsStillWorks = `if (tf.add([1, 2], [3, 4]).dataSync().join() !== '4,6') throw new Error('tfjs add gave a wrong result');
if (tf.getBackend() !== 'cpu') throw new Error('tfjs default backend changed to ' + tf.getBackend());`;
const esm = entries
  .map(
    (entry, i) =>
      `import * as m${i} from '${entry}';\nif (Object.keys(m${i}).length === 0) throw new Error('${entry}: empty ESM exports');`,
  )
  .join('\n');
writeFileSync(
  join(project, 'esm-check.mjs'),
  `import * as tf from '@tensorflow/tfjs';\n${esm}\n${plainTfjsStillWorks}\nconsole.log('import ok: ${entries.length} entry points, tfjs still on cpu');\n`,
);
const cjs = entries
  .map((entry) => `if (Object.keys(require('${entry}')).length === 0) throw new Error('${entry}: empty CJS exports');`)
  .join('\n');
writeFileSync(
  join(project, 'cjs-check.cjs'),
  `const tf = require('@tensorflow/tfjs');\n${cjs}\n${plainTfjsStillWorks}\nconsole.log('require ok: ${entries.length} entry points, tfjs still on cpu');\n`,
);
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

// Older and bundler settings: moduleResolution node10 ignores "exports" (the /node subpaths resolve
// through each package's typesVersions); bundler reads "exports" with the import condition.
const nodeSubpaths = `import { FileCheckpointStore } from '@ganforge/core/node';
import { loadMnist } from '@ganforge/data/node';
import { loadMnistClassifier } from '@ganforge/metrics/node';
import { resolveUpscalingModel } from '@ganforge/srgan/node';
import { loadCaptionedImages } from '@ganforge/text/node';
import { AdversarialTrainer } from '@ganforge/core';
import { useBackend } from '@ganforge/backend-node';
export const checks = [FileCheckpointStore, loadMnist, loadMnistClassifier, resolveUpscalingModel, loadCaptionedImages, AdversarialTrainer, useBackend];
// The types are real, not 'any': each of these lines must be a type error.
// @ts-expect-error resolveUpscalingModel returns a promise, not a string
export const wrongModel: string = resolveUpscalingModel('x');
// @ts-expect-error loadMnistClassifier returns a promise of a LayersModel, not a number
export const wrongClassifier: number = loadMnistClassifier();
// @ts-expect-error loadCaptionedImages needs a folder
loadCaptionedImages();
// @ts-expect-error FileCheckpointStore needs a folder
new FileCheckpointStore();
`;
for (const [resolution, module] of [
  ['node10', 'commonjs'],
  ['bundler', 'esnext'],
]) {
  writeFileSync(join(project, `types-${resolution}.ts`), nodeSubpaths);
  writeFileSync(
    join(project, `tsconfig.${resolution}.json`),
    JSON.stringify({
      compilerOptions: {
        module,
        moduleResolution: resolution,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        lib: ['ES2022', 'DOM'],
        types: ['node'],
      },
      files: [`types-${resolution}.ts`],
    }),
  );
  run('npx', ['tsc', '-p', `tsconfig.${resolution}.json`], project);
  console.log(`types ok (moduleResolution ${resolution}, the /node subpaths)`);
}

// The CLI's bin runs from the installed package.
const version = run(join(project, 'node_modules', '.bin', 'ganforge'), ['--version'], project).trim();
console.log(`ganforge --version: ${version}`);
if (version !== tarballs['@ganforge/cli'].match(/-(\d+\.\d+\.\d+[^/]*)\.tgz$/)[1])
  throw new Error(`unexpected CLI version ${version}`);

// The CLI finds a model package installed in its project from a working directory outside it.
const elsewhere = mkdtempSync(join(tmpdir(), 'ganforge-cwd-'));
writeFileSync(join(elsewhere, 'in.png'), gradientPng(8, 8));
run(
  join(project, 'node_modules', '.bin', 'ganforge'),
  ['upscale', 'in.png', 'out.png', '--model', '@upscalerjs/esrgan-slim', '--scale', '4'],
  elsewhere,
);
const upscaled = readFileSync(join(elsewhere, 'out.png'));
if (upscaled.readUInt32BE(16) !== 32 || upscaled.readUInt32BE(20) !== 32)
  throw new Error(`ganforge upscale wrote ${upscaled.readUInt32BE(16)}x${upscaled.readUInt32BE(20)}, expected 32x32`);
console.log('ganforge upscale --model @upscalerjs/esrgan-slim ok from a folder outside the project');

/** An 8-bit RGB PNG of a colour gradient, encoded by hand (PNG spec: signature, IHDR, IDAT, IEND chunks). */
function gradientPng(width, height) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, no filter, no interlace
  const rows = [];
  for (let y = 0; y < height; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < width; x++) rows.push((x * 255) / (width - 1), (y * 255) / (height - 1), 128);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows.map(Math.round)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Every npm command the docs give a user, in each document's order, in a fresh project per document:
// `npm install <packages>` must succeed without --legacy-peer-deps and leave one tfjs-core and no
// unmet peer. @ganforge/* are not on the registry yet, so they come from the tarballs (as file:
// dependencies with matching overrides); `-g` installs into the project; install scripts of
// @tensorflow/tfjs-node(-gpu) are skipped (they download libtensorflow, unreachable here), so for
// those the dependency resolution is what is checked.
checkDocumentedInstalls();

function checkDocumentedInstalls() {
  const documents = [
    'README.md',
    ...readdirSync(packagesDir).map((name) => `packages/${name}/README.md`),
    ...readdirSync(join(root, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
    ...readdirSync(join(root, 'examples')).map((name) => `examples/${name}/README.md`),
  ].filter((path) => existsSync(join(root, path)));
  const command = /(?<![\w@./-])npm (install|i|pkg set) ([^`\n#&;|]*)/g;
  let checked = 0;
  for (const document of documents) {
    const steps = [...readFileSync(join(root, document), 'utf8').matchAll(command)].map(([, verb, rest]) => ({
      verb,
      args: rest.trim().split(/\s+/).filter(Boolean),
    }));
    if (!steps.some(({ verb }) => verb !== 'pkg set')) continue;
    const project = mkdtempSync(join(work, 'docs-'));
    const manifest = { name: 'docs-consumer', private: true, version: '1.0.0', dependencies: {}, overrides };
    writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    for (const { verb, args } of steps) {
      const shown = `npm ${verb} ${args.join(' ')}`;
      if (verb === 'pkg set') {
        run('npm', ['pkg', 'set', ...args.map((arg) => arg.replace(/^'(.*)'$/, '$1'))], project);
        continue;
      }
      const current = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
      const packages = args.filter((arg) => !arg.startsWith('-'));
      for (const spec of packages) {
        const at = spec.lastIndexOf('@');
        const [name, range] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
        // What `npm install <name>` saves: ^ the version the registry's latest tag names.
        current.dependencies[name] = tarballs[name]
          ? `file:${tarballs[name]}`
          : (range ?? `^${run('npm', ['view', name, 'version'], project).trim()}`);
      }
      writeFileSync(join(project, 'package.json'), JSON.stringify(current, null, 2));
      const native = packages.some((spec) => spec.startsWith('@tensorflow/tfjs-node'));
      try {
        run(
          'npm',
          ['install', '--no-audit', '--no-fund', '--loglevel=error', ...(native ? ['--ignore-scripts'] : [])],
          project,
        );
      } catch (error) {
        throw new Error(`${document}: \`${shown}\` failed: ${error.message}`);
      }
      checked++;
    }
    run('npm', ['ls', '--all'], project);
    const cores = new Set(
      run('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--parseable'], project).trim().split('\n').filter(Boolean),
    );
    if (cores.size > 1) throw new Error(`${document}: its installs left ${cores.size} copies of @tensorflow/tfjs-core`);
    console.log(`${document}: ${steps.map(({ verb, args }) => `npm ${verb} ${args.join(' ')}`).join('; ')} ok`);
  }
  console.log(`documented installs ok: ${checked} npm install commands`);
}
