// `pnpm bench`: GANForge and PyTorch side by side in one run on the same cores. For each model, ms per
// D+G training step of the AdversarialTrainer, of a hand-written raw tfjs loop of the same model (their
// ratio is the trainer's overhead) and of the same model in PyTorch (scripts/bench_pytorch.py), with as
// many threads as the tfjs backend reports; median and min–max of the same number of timed steps per
// column, warm-up steps untimed. Before timing, it provisions the PyTorch peer (Debian python3-torch
// + libopenblas0-openmp, scripts/provision-bench-machine.ts) or prints one line saying why there is
// no PyTorch column and how to get it. Writes docs/benchmarks.json and the table in docs/benchmarks.md.
//
//   pnpm bench [--models dcgan28-demo,dcgan28,dcgan64,srresnet16] [--steps N] [--warmup N] [--threads N]
//              [--backends wasm] [--python /usr/bin/python3] [--no-pytorch]
//              [--json docs/benchmarks.json] [--markdown docs/benchmarks.md]
//   pnpm bench --profile [...]: the per-kernel profile instead (scripts/profile-step.ts, its options).
//
// --steps / --warmup apply to every model; without them each model takes its own (bench-models.ts:
// 20 + 3 warm-up for the DCGAN-28s, 8 + 2 for DCGAN-64, 5 + 1 for SRResNet-16). On a GPU backend
// PyTorch runs on CUDA.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { AdversarialTrainer, TensorDataset } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

import { benchRunMarkdown } from './bench-markdown.js';
import { type BenchModel, benchModels } from './bench-models.js';
import {
  commitName,
  countArgument,
  machineName,
  parseBenchArguments,
  startBenchBackend,
  threadsArgument,
  warnIfBusy,
} from './bench-environment.js';
import { mergeRuns, readRuns, writeRuns } from './bench-runs.js';
import { summarizeTimes } from './bench-statistics.js';
import { openmpBlasDirectory, provisionPytorch, selectedBlas } from './provision-bench-machine.js';
import { rawTfjsLoop } from './raw-tfjs-step.js';

const usage = `Usage: pnpm bench [--models dcgan28-demo,dcgan28,dcgan64,srresnet16] [--steps N] [--warmup N]
                  [--threads 1-8] [--backends wasm] [--python /usr/bin/python3] [--no-pytorch]
                  [--json docs/benchmarks.json] [--markdown docs/benchmarks.md]
       pnpm bench --profile [--label after] [--models ...] [--steps 1] [--warmup 2] [--threads 1-8]
Median ms per D+G step of the GANForge trainer, a raw tfjs loop and PyTorch on the same threads
(docs/benchmarks.md explains the columns). Default steps per model: 20 + 3 warm-up (DCGAN-28s),
8 + 2 (DCGAN-64), 5 + 1 (SRResNet-16).`;

if (process.argv.includes('--profile')) {
  process.argv.splice(process.argv.indexOf('--profile'), 1);
  await import('./profile-step.js');
} else {
  await bench();
}

async function bench(): Promise<void> {
  const root = join(import.meta.dirname, '..');
  const { values } = parseBenchArguments('bench', usage, {
    options: {
      backends: { type: 'string', default: 'wasm' },
      models: { type: 'string', default: benchModels.map((model) => model.name).join(',') },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      threads: { type: 'string' },
      python: { type: 'string', default: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3' },
      'no-pytorch': { type: 'boolean', default: false },
      json: { type: 'string', default: join(root, 'docs', 'benchmarks.json') },
      markdown: { type: 'string', default: join(root, 'docs', 'benchmarks.md') },
    },
  });
  const count = (name: 'steps' | 'warmup', minimum: number) => countArgument('bench', name, values[name], minimum);
  const stepsOption = count('steps', 1);
  const warmupOption = count('warmup', 0);
  const threadsOption = threadsArgument('bench', values.threads);
  const modelNames = values.models.split(',');
  const unknown = modelNames.filter((name) => !benchModels.some((model) => model.name === name));
  if (unknown.length) {
    console.error(
      `[bench] unknown model ${unknown.join(', ')}; choose from ${benchModels.map((m) => m.name).join(', ')}.`,
    );
    process.exit(2);
  }
  // Next to this script in the repo, or beside the bundle that scripts/gpu-check.sh assembles.
  const pytorchScript = [join(import.meta.dirname, 'bench_pytorch.py'), join(root, 'scripts', 'bench_pytorch.py')].find(
    (path) => existsSync(path),
  );

  interface PytorchPeer {
    readonly torch: string;
    readonly device: string;
    readonly threads: number;
    readonly blas: string;
    readonly blasLibrary: string;
  }

  async function timeRaw(model: BenchModel, warmup: number, steps: number): Promise<number[]> {
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
    return times;
  }

  async function timeTrainer(model: BenchModel, warmup: number, steps: number): Promise<number[]> {
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
    return stamps.slice(warmup);
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

  /** Whether PyTorch can run here, after provisioning it on a CPU machine; else the one line saying why not. */
  function preparePytorch(onGpu: boolean): { ready: true } | { ready: false; message: string } {
    if (values['no-pytorch']) return { ready: false, message: '[bench] no PyTorch column: --no-pytorch was given.' };
    if (!pytorchScript)
      return { ready: false, message: '[bench] no PyTorch column: scripts/bench_pytorch.py is missing.' };
    if (!onGpu) return provisionPytorch({ python: values.python });
    try {
      execFileSync(values.python, ['-c', 'import torch; assert torch.cuda.is_available()'], { stdio: 'ignore' });
      return { ready: true };
    } catch {
      return {
        ready: false,
        message: `[bench] no PyTorch column: ${values.python} has no PyTorch with CUDA; pass --python <interpreter that has it>.`,
      };
    }
  }

  function timePytorch(
    model: BenchModel,
    warmup: number,
    steps: number,
    threads: number,
    onGpu: boolean,
  ): { times: number[]; peer: PytorchPeer } {
    // The OpenMP OpenBLAS is put first on the library path so torch loads it whichever libblas.so.3 the
    // system selects; bench_pytorch.py reports the libraries really loaded.
    const environment = onGpu
      ? process.env
      : {
          ...process.env,
          OMP_NUM_THREADS: String(threads),
          LD_LIBRARY_PATH: [openmpBlasDirectory, process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':'),
        };
    const output = execFileSync(
      values.python,
      [
        pytorchScript!,
        ...['--model', model.name, '--batch', String(model.batchSize)],
        ...['--steps', String(steps), '--warmup', String(warmup)],
        ...(onGpu ? ['--device', 'cuda'] : ['--threads', String(threads)]),
      ],
      { encoding: 'utf8', env: environment },
    );
    const { times, ...peer } = JSON.parse(output.trim().split('\n').at(-1)!) as PytorchPeer & { times: number[] };
    return { times, peer };
  }

  const command = `pnpm bench ${process.argv.slice(2).join(' ')}`.trim();
  const runs = [];
  for (const backend of values.backends.split(',')) {
    const info = await startBenchBackend(backend, threadsOption);
    const pytorch = preparePytorch(info.isGpu);
    if (!pytorch.ready) console.error(pytorch.message);
    warnIfBusy('bench');
    // PyTorch gets as many threads as the tfjs backend computes with (native/GPU backends report 0: all cores).
    const pytorchThreads = info.threads > 0 ? info.threads : cpus().length;
    let peer: PytorchPeer | undefined;
    const rows = [];
    for (const model of benchModels.filter((m) => modelNames.includes(m.name))) {
      const steps = stepsOption ?? model.defaultSteps;
      const warmup = warmupOption ?? model.defaultWarmup;
      console.error(
        `[bench] ${model.name} (batch ${model.batchSize}) on ${info.name}: ${warmup} warm-up + ${steps} timed steps per column...`,
      );
      const raw = summarizeTimes(await timeRaw(model, warmup, steps));
      const trainer = summarizeTimes(await timeTrainer(model, warmup, steps));
      let torchSummary;
      let pytorchError: string | undefined;
      if (pytorch.ready) {
        try {
          const measured = timePytorch(model, warmup, steps, pytorchThreads, info.isGpu);
          torchSummary = summarizeTimes(measured.times);
          peer = measured.peer;
        } catch (error) {
          // Keep GANForge's columns; the row says PyTorch failed and the log has its stderr.
          pytorchError = `exit ${(error as { status?: number }).status ?? 'unknown'}`;
          console.error(`[bench] PyTorch failed on ${model.name} (${pytorchError}); its output is above.`);
        }
      }
      rows.push({
        model: model.name,
        batchSize: model.batchSize,
        warmup,
        steps,
        trainer,
        raw,
        pytorch: torchSummary,
        ...(pytorchError ? { pytorchError } : {}),
      });
      console.error(
        `  trainer ${trainer.median.toFixed(0)} ms, raw ${raw.median.toFixed(0)} ms` +
          (torchSummary ? `, PyTorch ${torchSummary.median.toFixed(0)} ms` : ''),
      );
    }
    runs.push({
      command,
      date: new Date().toISOString().slice(0, 10),
      commit: commitName(root),
      machine: machineName(),
      node: process.version,
      backend: info.name,
      device: info.device,
      threads: info.threads,
      pytorch:
        pytorch.ready && peer
          ? { ...peer, ...(info.isGpu ? {} : { systemBlas: selectedBlas() }) }
          : { unavailable: pytorch.ready ? '[bench] no PyTorch column: no model was timed.' : pytorch.message },
      rows,
    });
  }

  await writeRuns(values.json, values.markdown, mergeRuns(readRuns(values.json), runs));
  for (const run of runs) console.log(`${benchRunMarkdown(run)}\n`);
  for (const run of runs) if ('unavailable' in run.pytorch) console.error(run.pytorch.unavailable);
}
