// Times the wasm convolution gradient kernels (Conv2DBackpropInput, Conv2DBackpropFilter) at the
// exact calls one raw-tfjs D+G training step of each benchmark model makes: our strategies, A/B
// interleaved in one process (round-robin, each round starting with the next one; median per
// column), and the per-step total of each (sum over the step's calls).
//
//   npx tsx --tsconfig tsconfig.base.json scripts/conv-gradient-bench.ts [--models dcgan28,dcgan64,srresnet16]
//       [--repeats 7] [--threads N] [--baseline .cache/conv-baseline/packages/backend-wasm/src/kernels]
//
// --threads starts wasm through useBackend (threaded build, N threads) as `pnpm bench` does; without
// it, the plain single-threaded wasm backend.
// --baseline adds a column for the 'auto' kernels of another revision, for a before/after in one
// process; make it with
//   mkdir -p .cache/conv-baseline && git archive <rev> packages/backend-wasm/src/kernels | tar -x -C .cache/conv-baseline
// (inside the repository, so that its imports resolve). 'conv2d fwd' is the stock wasm Conv2D
// (XNNPACK) of the same convolution, i.e. the same arithmetic: a yardstick for the GEMM floor.
// --tsconfig maps workspace imports (@ganforge/core) to their sources, so no build is needed.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { createConv2DBackpropFilterConfig } from '../packages/backend-wasm/src/kernels/conv2d-backprop-filter.js';
import { createConv2DBackpropInputConfig } from '../packages/backend-wasm/src/kernels/conv2d-backprop-input.js';
import { registerWasmTrainingKernels } from '../packages/backend-wasm/src/kernels/register-wasm-training-kernels.js';
import { startBenchBackend } from './bench-environment.js';
import { benchModels } from './bench-models.js';
import { rawTfjsLoop } from './raw-tfjs-step.js';

const option = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1]! : fallback;
};
const modelNames = option('models', 'dcgan28,dcgan64,srresnet16').split(',');
const repeats = Number(option('repeats', '7'));
const threads = process.argv.includes('--threads') ? Number(option('threads', '1')) : undefined;
const baselineDirectory = process.argv.includes('--baseline') ? option('baseline', '') : undefined;

const kernels = [tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter] as const;
type KernelName = (typeof kernels)[number];

interface RecordedCall {
  readonly kernelName: KernelName;
  readonly shapes: Record<string, number[]>;
  readonly attrs: tf.NamedAttrMap;
  count: number;
}

/** A column: runs one call on the given inputs and returns its output (which the timer frees). */
type Runner = (call: RecordedCall, inputs: Record<string, tf.Tensor>, backend: BackendWasm) => tf.TensorInfo;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const kernelRunner =
  (config: tf.KernelConfig): Runner =>
  (call, inputs, backend) =>
    config.kernelFunc({ inputs, backend, attrs: call.attrs }) as tf.TensorInfo;

/** The stock wasm Conv2D of the call's forward convolution (`inputs.forward` is its missing operand). */
const forwardConv: Runner = (call, inputs, backend) => {
  const { strides, pad, dimRoundingMode } = call.attrs as unknown as tf.Conv2DAttrs;
  const [x, filter] =
    call.kernelName === tf.Conv2DBackpropInput ? [inputs.forward!, inputs.filter!] : [inputs.x!, inputs.forward!];
  return tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc({
    inputs: { x, filter },
    backend,
    attrs: { strides, pad, dimRoundingMode, dataFormat: 'NHWC', dilations: 1 } as unknown as tf.NamedAttrMap,
  }) as tf.TensorInfo;
};

/** The convolution gradient calls of one D+G step of `modelName`, by distinct shapes and attributes. */
async function recordCalls(modelName: string): Promise<RecordedCall[]> {
  const model = benchModels.find((candidate) => candidate.name === modelName);
  if (model === undefined) throw new Error(`unknown model '${modelName}'`);
  const calls = new Map<string, RecordedCall>();
  const originals = kernels.map((kernelName) => tf.getKernel(kernelName, 'wasm')!);
  for (const original of originals) {
    tf.unregisterKernel(original.kernelName, 'wasm');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const shapes = Object.fromEntries(Object.entries(args.inputs).map(([name, info]) => [name, [...info!.shape]]));
        const key = JSON.stringify([original.kernelName, shapes, args.attrs]);
        const known = calls.get(key);
        if (known) known.count++;
        else {
          const kernelName = original.kernelName as KernelName;
          calls.set(key, { kernelName, shapes, attrs: { ...args.attrs }, count: 1 });
        }
        return original.kernelFunc(args);
      },
    });
  }
  const { generator, discriminator } = model.build();
  const data = model.data(model.batchSize);
  const loop = rawTfjsLoop(model, generator, discriminator, data);
  try {
    await loop.step();
  } finally {
    loop.dispose();
    generator.dispose();
    discriminator.dispose();
    tf.dispose(Object.values(data));
    for (const original of originals) {
      tf.unregisterKernel(original.kernelName, 'wasm');
      tf.registerKernel(original);
    }
  }
  return [...calls.values()];
}

/** Median ms of one call per runner, the runners taking turns so that load hits all alike. */
function timeRunners(runners: Runner[], call: RecordedCall): number[] {
  const backend = tf.backend() as BackendWasm;
  const attrs = call.attrs as unknown as { inputShape?: number[]; filterShape?: number[] };
  const shapes = { ...call.shapes };
  // NHWC only here (all benchmark models are): dx's shape, or the filter's.
  shapes.forward = call.kernelName === tf.Conv2DBackpropInput ? attrs.inputShape! : attrs.filterShape!;
  const inputs = Object.fromEntries(
    Object.entries(shapes).map(([name, shape]) => [name, tf.randomNormal(shape, 0, 1, 'float32', 7)]),
  );
  const runOnce = (runner: Runner): number => {
    const start = performance.now();
    const output = runner(call, inputs, backend);
    const elapsed = performance.now() - start;
    backend.disposeData(output.dataId);
    return elapsed;
  };
  for (const runner of runners) runOnce(runner);
  const times = runners.map(() => [] as number[]);
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (let turn = 0; turn < runners.length; turn++) {
      const index = (repeat + turn) % runners.length;
      times[index]!.push(runOnce(runners[index]!));
    }
  }
  tf.dispose(Object.values(inputs));
  return times.map(median);
}

function describeCall(call: RecordedCall): string {
  const { strides, pad } = call.attrs as { strides: number[] | number; pad: unknown };
  const [a, b] =
    call.kernelName === tf.Conv2DBackpropInput
      ? [`dy [${call.shapes.dy}]`, `W [${call.shapes.filter}]`]
      : [`x [${call.shapes.x}]`, `dy [${call.shapes.dy}]`];
  return `${a} ${b} s${JSON.stringify(strides)} ${JSON.stringify(pad)} x${call.count}`;
}

async function columns(kernelName: KernelName): Promise<Array<[string, Runner]>> {
  const ours: Array<[string, tf.KernelConfig]> =
    kernelName === tf.Conv2DBackpropInput
      ? [
          ['auto', createConv2DBackpropInputConfig('auto')],
          ['perPhase', createConv2DBackpropInputConfig('perPhase')],
          ['matMulCol2im', createConv2DBackpropInputConfig('matMulCol2im')],
        ]
      : [
          ['auto', createConv2DBackpropFilterConfig('auto')],
          ['dilatedCorrelation', createConv2DBackpropFilterConfig('dilatedCorrelation')],
          ['im2colMatMul', createConv2DBackpropFilterConfig('im2colMatMul')],
        ];
  const result: Array<[string, Runner]> = ours.map(([name, config]) => [name, kernelRunner(config)]);
  if (baselineDirectory !== undefined) {
    const file = kernelName === tf.Conv2DBackpropInput ? 'conv2d-backprop-input.ts' : 'conv2d-backprop-filter.ts';
    const module = (await import(pathToFileURL(resolve(baselineDirectory, file)).href)) as Record<string, unknown>;
    const create = (module.createConv2DBackpropInputConfig ?? module.createConv2DBackpropFilterConfig) as (
      strategy: string,
    ) => tf.KernelConfig;
    result.unshift(['baseline auto', kernelRunner(create('auto'))]);
  }
  result.push(['conv2d fwd', forwardConv]);
  return result;
}

async function main() {
  let device = 'wasm, 1 thread';
  if (threads === undefined) {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  } else {
    device = (await startBenchBackend('wasm', threads)).device;
  }
  console.log(`tfjs ${tf.version_core}, ${device}, Node ${process.version}; median of ${repeats} per call`);
  for (const modelName of modelNames) {
    const calls = await recordCalls(modelName);
    for (const kernelName of kernels) {
      const named = await columns(kernelName);
      console.log(`\n${modelName} ${kernelName} (ms per call)`);
      console.log(`  ${named.map(([name]) => name.padStart(19)).join('')}   call`);
      const totals = named.map(() => 0);
      for (const call of calls.filter((candidate) => candidate.kernelName === kernelName)) {
        const times = timeRunners(
          named.map(([, runner]) => runner),
          call,
        );
        times.forEach((time, index) => (totals[index]! += time * call.count));
        console.log(`  ${times.map((t) => t.toFixed(1).padStart(19)).join('')}   ${describeCall(call)}`);
      }
      console.log(`  ${totals.map((t) => t.toFixed(1).padStart(19)).join('')}   per step (sum over calls)`);
    }
  }
}

await main();
