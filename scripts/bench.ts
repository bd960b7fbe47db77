// `pnpm bench`: median ms per D+G training step, per model and backend, for the AdversarialTrainer
// and for a hand-written raw tfjs loop of the same model (their ratio is the trainer's overhead),
// and, where `python3 -c "import torch"` works, for the same model in PyTorch. Writes
// docs/benchmarks.json (results accumulate per machine) and docs/benchmarks.md.
//
//   pnpm bench [--backends wasm,webgpu,cpu] [--models dcgan28,dcgan64,srresnet16] [--steps 10] [--warmup 3]
//              [--python /usr/bin/python3] [--json docs/benchmarks.json] [--markdown docs/benchmarks.md]
//
// PyTorch runs on CUDA when the tfjs backend is on a GPU, else on the CPU with all its cores.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { useBackend } from '@ganforge/backend-node';
import { AdversarialTrainer, TensorDataset } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import { type BenchModel, benchModels } from './bench-models.js';
import { rawTfjsLoop } from './raw-tfjs-step.js';

const option = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1]! : fallback;
};
const backends = option('backends', 'wasm').split(',');
// SRResNet-16 takes tens of seconds per step on a CPU: ask for it by name there (GPU checks include it).
const modelNames = option('models', 'dcgan28,dcgan64').split(',');
const steps = Number(option('steps', '10'));
const warmup = Number(option('warmup', '3'));
const python = option('python', existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const root = join(import.meta.dirname, '..');
const jsonPath = option('json', join(root, 'docs', 'benchmarks.json'));
const mdPath = option('markdown', join(root, 'docs', 'benchmarks.md'));
// Next to this script in the repo, or beside the bundle that scripts/gpu-check.sh assembles.
const pytorchScript = [join(import.meta.dirname, 'bench_pytorch.py'), join(root, 'scripts', 'bench_pytorch.py')].find(
  (path) => existsSync(path),
);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

interface Result {
  machine: string;
  backend: string;
  device: string;
  model: string;
  batchSize: number;
  trainerMs: number;
  rawMs: number;
  pytorch?: { ms: number; threads: number; device: string; torch: string; blas: string };
  date: string;
}

async function timeRaw(model: BenchModel): Promise<number> {
  const { generator, discriminator } = model.build();
  const data = model.data(4 * model.batchSize);
  const loop = rawTfjsLoop(model, generator, discriminator, data);
  const times: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const started = performance.now();
    await loop.step();
    if (i >= warmup) times.push(performance.now() - started);
  }
  loop.dispose();
  disposeModels(generator, discriminator, data);
  return median(times);
}

async function timeTrainer(model: BenchModel): Promise<number> {
  const { generator, discriminator } = model.build();
  const data = model.data(4 * model.batchSize);
  const dataset = new TensorDataset(data);
  const trainer = new AdversarialTrainer({
    generator,
    discriminator,
    noise: model.noiseDim ? { dim: model.noiseDim } : false,
    adversarialWeight: model.adversarialWeight,
    generatorTerms: model.noiseDim
      ? []
      : [
          {
            name: 'content',
            weight: 1,
            compute: ({ fake, batch }) => tf.losses.meanSquaredError(batch.real, fake) as tf.Scalar,
          },
        ],
  });
  const stamps: number[] = [];
  let last = performance.now();
  await trainer.fit(dataset, {
    batchSize: model.batchSize,
    steps: warmup + steps,
    onStep: () => {
      const now = performance.now();
      stamps.push(now - last);
      last = now;
    },
  });
  trainer.dispose();
  dataset.dispose();
  disposeModels(generator, discriminator, data);
  return median(stamps.slice(warmup));
}

function disposeModels(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  data: { real: tf.Tensor; input?: tf.Tensor },
) {
  tf.dispose([
    data.real,
    ...(data.input ? [data.input] : []),
    ...[...generator.weights, ...discriminator.weights].map((w) => w.read()),
  ]);
}

function timePytorch(model: string, batch: number, onGpu: boolean): Result['pytorch'] {
  if (!pytorchScript) return undefined;
  try {
    execFileSync(python, ['-c', onGpu ? 'import torch; assert torch.cuda.is_available()' : 'import torch'], {
      stdio: 'ignore',
    });
  } catch {
    return undefined;
  }
  const device = onGpu ? ['--device', 'cuda'] : ['--threads', String(cpus().length)];
  const output = execFileSync(
    python,
    [
      pytorchScript,
      '--model',
      model,
      '--batch',
      String(batch),
      '--steps',
      String(steps),
      '--warmup',
      String(warmup),
      ...device,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(output.trim().split('\n').at(-1)!) as Result['pytorch'];
}

const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'} x${cpus().length}`;
const results: Result[] = [];
for (const backend of backends) {
  const info = await useBackend({ backend: backend as never });
  for (const model of benchModels.filter((m) => modelNames.includes(m.name))) {
    console.error(`timing ${model.name} (batch ${model.batchSize}) on ${info.name}...`);
    const rawMs = await timeRaw(model);
    const trainerMs = await timeTrainer(model);
    const pytorch = timePytorch(model.name, model.batchSize, info.isGpu);
    results.push({
      machine,
      backend: info.name,
      device: info.device,
      model: model.name,
      batchSize: model.batchSize,
      trainerMs,
      rawMs,
      pytorch,
      date: new Date().toISOString().slice(0, 10),
    });
    console.error(
      `  trainer ${trainerMs.toFixed(0)} ms, raw ${rawMs.toFixed(0)} ms${pytorch ? `, PyTorch ${pytorch.ms.toFixed(0)} ms` : ''}`,
    );
  }
}

// Keep earlier results for other machines, backends and models; replace the ones measured now.
const key = (r: Result) => `${r.machine}|${r.backend}|${r.model}`;
const previous: Result[] = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as Result[]) : [];
const merged = [...previous.filter((r) => !results.some((n) => key(n) === key(r))), ...results];
writeFileSync(jsonPath, `${JSON.stringify(merged, null, 2)}\n`);

const rows = merged.map((r) => {
  const overhead = ((r.trainerMs / r.rawMs - 1) * 100).toFixed(1);
  const torch = r.pytorch
    ? `${r.pytorch.ms.toFixed(0)} (${r.pytorch.device}, ${r.pytorch.threads} thr, torch ${r.pytorch.torch}) | ${(r.trainerMs / r.pytorch.ms).toFixed(1)}x`
    : '- | -';
  return `| ${r.machine} | ${r.backend} (${r.device}) | ${r.model} b${r.batchSize} | ${r.trainerMs.toFixed(0)} | ${r.rawMs.toFixed(0)} | ${overhead}% | ${torch} | ${r.date} |`;
});
const table = [
  '| machine | backend | model | trainer ms/step | raw tfjs ms/step | trainer overhead | PyTorch ms/step | vs PyTorch | date |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
const header = '<!-- bench:start -->';
const footer = '<!-- bench:end -->';
const current = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : `# Benchmarks\n\n${header}\n${footer}\n`;
writeFileSync(mdPath, current.replace(new RegExp(`${header}[\\s\\S]*${footer}`), `${header}\n${table}\n${footer}`));
console.log(table);
