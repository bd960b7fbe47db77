// `pnpm bench --profile`: where a D+G training step spends its time, per tfjs kernel. Profiles the raw
// tfjs loop of each benchmark model (scripts/raw-tfjs-step.ts) with tf.profile after warm-up steps,
// keeps leaf kernels only (op wrappers such as `fusedConv2d__op` contain the kernels they run) and
// writes the table into docs/benchmarks.md between `<!-- profile:LABEL:start/end -->`, so a profile
// "before" and one "after" a change stand side by side.
//
//   pnpm bench --profile [--label before] [--models dcgan28,dcgan64] [--steps 1] [--warmup 2]
//                        [--threads N] [--backend wasm] [--markdown docs/benchmarks.md]
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { updateMarkdownBlock } from './bench-markdown-file.js';
import { benchModels } from './bench-models.js';
import {
  commitName,
  countArgument,
  machineName,
  parseBenchArguments,
  startBenchBackend,
  threadsArgument,
  warnIfBusy,
} from './bench-environment.js';
import { aggregateLeafKernels, profileMarkdown } from './profile-kernel-table.js';
import { rawTfjsLoop } from './raw-tfjs-step.js';

const root = join(import.meta.dirname, '..');
const usage = `Usage: pnpm bench --profile [--label before|after] [--models dcgan28,dcgan64,srresnet16] [--steps 1]
                            [--warmup 2] [--threads 1-8] [--backend wasm] [--markdown docs/benchmarks.md]
Writes a per-kernel profile of one D+G step of each model into docs/benchmarks.md.`;
const { values } = parseBenchArguments('profile', usage, {
  options: {
    label: { type: 'string', default: 'before' },
    models: { type: 'string', default: 'dcgan28,dcgan64' },
    steps: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    markdown: { type: 'string', default: join(root, 'docs', 'benchmarks.md') },
  },
});
const count = (name: 'steps' | 'warmup', minimum: number) => countArgument('profile', name, values[name], minimum);
const steps = count('steps', 1)!;
const warmup = count('warmup', 0)!;
const threads = threadsArgument('profile', values.threads);
if (!/^[a-z0-9-]+$/.test(values.label)) {
  console.error(`[profile] --label must be lower-case letters, digits and '-', got ${JSON.stringify(values.label)}.`);
  process.exit(2);
}
const names = values.models.split(',');
const unknown = names.filter((name) => !benchModels.some((model) => model.name === name));
if (unknown.length) {
  console.error(
    `[profile] unknown model ${unknown.join(', ')}; choose from ${benchModels.map((m) => m.name).join(', ')}.`,
  );
  process.exit(2);
}

const info = await startBenchBackend(values.backend, threads);
warnIfBusy('profile');
const sections: string[] = [];
for (const model of benchModels.filter((candidate) => names.includes(candidate.name))) {
  console.error(`[profile] ${model.name} (batch ${model.batchSize}): ${warmup} warm-up + ${steps} profiled step(s)...`);
  const { generator, discriminator } = model.build();
  const data = model.data(4 * model.batchSize);
  const loop = rawTfjsLoop(model, generator, discriminator, data);
  for (let i = 0; i < warmup; i++) await loop.step();
  const started = performance.now();
  const profile = await tf.profile(async () => {
    for (let i = 0; i < steps; i++) await loop.step();
  });
  const wallMs = (performance.now() - started) / steps;
  const records = profile.kernels.map((kernel) => ({
    name: kernel.name,
    kernelTimeMs: typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : Number.NaN,
  }));
  const untimed = records.filter((record) => Number.isNaN(record.kernelTimeMs)).length;
  if (untimed) console.error(`[profile] ${untimed} kernel records without a time were left out.`);
  const { kernels, wrappers } = aggregateLeafKernels(
    records.filter((record) => !Number.isNaN(record.kernelTimeMs)),
    { steps, isLeaf: (name) => tf.getKernel(name, tf.getBackend()) !== undefined },
  );
  sections.push(profileMarkdown({ model: model.name, batchSize: model.batchSize, steps, wallMs, kernels, wrappers }));
  console.error(
    `  ${kernels
      .slice(0, 5)
      .map((k) => `${k.name} ${k.ms.toFixed(0)} ms`)
      .join(', ')}`,
  );
  loop.dispose();
  tf.dispose([
    data.real,
    ...(data.input ? [data.input] : []),
    ...[...generator.weights, ...discriminator.weights].map((w) => w.read()),
  ]);
}

const command = `pnpm bench --profile ${process.argv.slice(2).join(' ')}`.trim();
const heading =
  `Profile "${values.label}": \`${command}\`, ${new Date().toISOString().slice(0, 10)}, commit ${commitName(root)}; ` +
  `${machineName()}, Node ${process.version}; ${info.name} (${info.device}). Kernel times from tf.profile, which ` +
  'reads every kernel output as it goes, so the wall time while profiling exceeds an unprofiled step.';
const content = [heading, ...sections].join('\n\n');
await updateMarkdownBlock(values.markdown, `profile:${values.label}`, content);
console.log(content);
