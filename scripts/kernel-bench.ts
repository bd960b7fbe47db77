// Times the wasm training kernels of @ganforge/backend-node: a DCGAN-28 D+G step at batch 64 with
// the stock wasm kernels (plus the composed Conv2DBackpropFilter, without which nothing trains)
// and with all of ours, then each kernel at the shapes of that step, ours against the stock one.
//
//   npx tsx --tsconfig tsconfig.base.json scripts/kernel-bench.ts [--steps 10] [--warmup 3] [--batch 64]
//
// --tsconfig maps workspace imports (@ganforge/core) to their sources, so no build is needed.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import {
  conv2DBackpropFilterConfig,
  createConv2DBackpropFilterConfig,
} from '../packages/backend-wasm/src/kernels/conv2d-backprop-filter.js';
import { createConv2DBackpropInputConfig } from '../packages/backend-wasm/src/kernels/conv2d-backprop-input.js';
import { registerWasmTrainingKernels } from '../packages/backend-wasm/src/kernels/register-wasm-training-kernels.js';

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const steps = argument('steps', 10);
const warmup = argument('warmup', 3);
const batch = argument('batch', 64);
const kernelRepeats = argument('kernel-repeats', 10);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** DCGAN-28 (Radford et al. 2016, MNIST-sized): a raw tfjs model with batch-statistics BN. */
function buildDcgan28() {
  const normal = (shape: number[], std = 0.02) => tf.variable(tf.randomNormal(shape, 0, std, 'float32', 1));
  const zeros = (shape: number[]) => tf.variable(tf.zeros(shape));
  const ones = (shape: number[]) => tf.variable(tf.ones(shape));
  const g = {
    dense: normal([100, 7 * 7 * 128]),
    denseBias: zeros([7 * 7 * 128]),
    bn1Gamma: ones([7 * 7 * 128]),
    bn1Beta: zeros([7 * 7 * 128]),
    up1: normal([4, 4, 64, 128]),
    bn2Gamma: ones([64]),
    bn2Beta: zeros([64]),
    up2: normal([4, 4, 1, 64]),
    up2Bias: zeros([1]),
  };
  const d = {
    conv1: normal([4, 4, 1, 64]),
    conv1Bias: zeros([64]),
    conv2: normal([4, 4, 64, 128]),
    bnGamma: ones([128]),
    bnBeta: zeros([128]),
    dense: normal([7 * 7 * 128, 1]),
    denseBias: zeros([1]),
  };
  const batchNorm = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, axes: number[]) => {
    const { mean, variance } = tf.moments(x, axes);
    return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5);
  };
  const generate = (z: tf.Tensor2D): tf.Tensor4D => {
    const n = z.shape[0];
    let h: tf.Tensor = tf.add(tf.matMul(z, g.dense), g.denseBias);
    h = tf.relu(batchNorm(h, g.bn1Gamma, g.bn1Beta, [0]));
    h = tf.reshape(h, [n, 7, 7, 128]);
    h = tf.conv2dTranspose(h as tf.Tensor4D, g.up1 as tf.Tensor4D, [n, 14, 14, 64], 2, 'same');
    h = tf.relu(batchNorm(h, g.bn2Gamma, g.bn2Beta, [0, 1, 2]));
    h = tf.conv2dTranspose(h as tf.Tensor4D, g.up2 as tf.Tensor4D, [n, 28, 28, 1], 2, 'same');
    return tf.tanh(tf.add(h, g.up2Bias)) as tf.Tensor4D;
  };
  const discriminate = (x: tf.Tensor4D): tf.Tensor2D => {
    let h: tf.Tensor = tf.leakyRelu(tf.add(tf.conv2d(x, d.conv1 as tf.Tensor4D, 2, 'same'), d.conv1Bias), 0.2);
    h = tf.conv2d(h as tf.Tensor4D, d.conv2 as tf.Tensor4D, 2, 'same');
    h = tf.leakyRelu(batchNorm(h, d.bnGamma, d.bnBeta, [0, 1, 2]), 0.2);
    return tf.add(tf.matMul(tf.reshape(h, [x.shape[0], -1]), d.dense), d.denseBias);
  };
  return { g: Object.values(g), d: Object.values(d), generate, discriminate };
}

/** Median seconds per D+G step (non-saturating loss, Adam 2e-4 / 0.5, optimizer.minimize). */
function timeTrainingStep(): { medianSeconds: number; stepSeconds: number[] } {
  const model = buildDcgan28();
  const real = tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
  const dOptimizer = tf.train.adam(2e-4, 0.5);
  const gOptimizer = tf.train.adam(2e-4, 0.5);
  const step = () => {
    const z = tf.randomNormal([batch, 100]) as tf.Tensor2D;
    const dLoss = dOptimizer.minimize(
      () => {
        const fake = model.generate(z);
        // -log sigmoid(D(real)) - log(1 - sigmoid(D(fake))).
        return tf.add(
          tf.softplus(tf.neg(model.discriminate(real))).mean(),
          tf.softplus(model.discriminate(fake)).mean(),
        );
      },
      true,
      model.d,
    )!;
    // Non-saturating generator loss: -log sigmoid(D(G(z))).
    const gLoss = gOptimizer.minimize(
      () => tf.softplus(tf.neg(model.discriminate(model.generate(z)))).mean(),
      true,
      model.g,
    )!;
    // wasm kernels run synchronously, but read back to be sure the step has finished.
    dLoss.dataSync();
    gLoss.dataSync();
    tf.dispose([z, dLoss, gLoss]);
  };
  const stepSeconds: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const start = performance.now();
    step();
    if (i >= warmup) stepSeconds.push((performance.now() - start) / 1000);
  }
  dOptimizer.dispose();
  gOptimizer.dispose();
  tf.dispose([real, ...model.g, ...model.d]);
  return { medianSeconds: median(stepSeconds), stepSeconds };
}

/** Milliseconds per kernel for one D+G step, summed by kernel name (tf.profile). */
async function profileTrainingStep(): Promise<Array<[string, number]>> {
  const model = buildDcgan28();
  const real = tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
  const dOptimizer = tf.train.adam(2e-4, 0.5);
  const gOptimizer = tf.train.adam(2e-4, 0.5);
  const step = () => {
    const z = tf.randomNormal([batch, 100]) as tf.Tensor2D;
    dOptimizer.minimize(
      () =>
        tf.add(
          tf.softplus(tf.neg(model.discriminate(real))).mean(),
          tf.softplus(model.discriminate(model.generate(z))).mean(),
        ),
      false,
      model.d,
    );
    gOptimizer.minimize(() => tf.softplus(tf.neg(model.discriminate(model.generate(z)))).mean(), false, model.g);
    z.dispose();
  };
  step();
  const profile = await tf.profile(step);
  const totals = new Map<string, number>();
  for (const kernel of profile.kernels) {
    totals.set(kernel.name, (totals.get(kernel.name) ?? 0) + (kernel.kernelTimeMs as number));
  }
  dOptimizer.dispose();
  gOptimizer.dispose();
  tf.dispose([real, ...model.g, ...model.d]);
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Median ms of one call of a kernelFunc outside the engine (its output is freed each time). */
function timeKernel(config: tf.KernelConfig, inputs: Record<string, tf.Tensor>, attrs: object): number {
  const backend = tf.backend() as BackendWasm;
  const run = () => {
    const output = config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    backend.disposeData(output.dataId);
  };
  run();
  run();
  const times: number[] = [];
  for (let i = 0; i < kernelRepeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

const ms = (value: number) => value.toFixed(1).padStart(7);

async function main() {
  await tf.setBackend('wasm');
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  console.log(`tfjs ${tf.version_core}, wasm backend (${simd}, 1 thread), Node ${process.version}, batch ${batch}`);
  const stockBackpropInput = tf.getKernel(tf.Conv2DBackpropInput, 'wasm')!;
  const stockConv2D = tf.getKernel(tf.Conv2D, 'wasm')!;

  // Stock wasm cannot train a conv net at all: add only the filter gradient it lacks, then replace
  // the other kernels one at a time.
  tf.registerKernel(conv2DBackpropFilterConfig);
  const variants: Array<[string, number]> = [];
  variants.push(['stock wasm + our Conv2DBackpropFilter', timeTrainingStep().medianSeconds]);
  tf.unregisterKernel(tf.Conv2DBackpropInput, 'wasm');
  tf.registerKernel(createConv2DBackpropInputConfig());
  variants.push(['  + our Conv2DBackpropInput', timeTrainingStep().medianSeconds]);
  registerWasmTrainingKernels();
  variants.push(['  + our Tile (= registerWasmTrainingKernels)', timeTrainingStep().medianSeconds]);
  console.log(`\nDCGAN-28 D+G training step, median of ${steps} after ${warmup} warm-up (s/step):`);
  for (const [name, seconds] of variants) console.log(`  ${name.padEnd(46)} ${seconds.toFixed(3)}`);

  console.log('\nKernel time in one D+G step with all training kernels (tf.profile, ms):');
  const profile = await profileTrainingStep();
  const total = profile.reduce((sum, [, kernelMs]) => sum + kernelMs, 0);
  for (const [name, kernelMs] of profile.slice(0, 12)) console.log(`  ${name.padEnd(24)} ${ms(kernelMs)}`);
  console.log(`  ${'(all kernels)'.padEnd(24)} ${ms(total)}`);

  console.log(`\nOne kernel call at the DCGAN-28 shapes, median of ${kernelRepeats} (ms):`);
  const layers = [
    { name: 'G up1 / D conv2', dy: [batch, 7, 7, 128], x: [batch, 14, 14, 64], filter: [4, 4, 64, 128] },
    { name: 'G up2 / D conv1', dy: [batch, 14, 14, 64], x: [batch, 28, 28, 1], filter: [4, 4, 1, 64] },
  ];
  const inputStrategies = ['perPhase', 'mergedPhases', 'auto'] as const;
  const filterStrategies = ['dilatedCorrelation', 'patchesMatMul', 'auto'] as const;
  console.log(
    `  ${'Conv2DBackpropInput'.padEnd(38)}   stock ${inputStrategies.map((s) => s.padStart(12)).join(' ')}  conv2d fwd`,
  );
  for (const layer of layers) {
    const dy = tf.randomNormal(layer.dy);
    const x = tf.randomNormal(layer.x);
    const filter = tf.randomNormal(layer.filter);
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: layer.x };
    const stockMs = timeKernel(stockBackpropInput, { dy, filter }, attrs);
    const oursMs = inputStrategies.map((s) => timeKernel(createConv2DBackpropInputConfig(s), { dy, filter }, attrs));
    const forwardMs = timeKernel(
      stockConv2D,
      { x, filter },
      { strides: 2, pad: 'same', dataFormat: 'NHWC', dilations: 1 },
    );
    const label = `${layer.name}: dx [${layer.x.slice(1)}] <- dy [${layer.dy.slice(1)}]`;
    console.log(
      `  ${label.padEnd(38)} ${ms(stockMs)} ${oursMs.map((t) => ms(t).padStart(12)).join(' ')} ${ms(forwardMs)}`,
    );
    tf.dispose([dy, x, filter]);
  }
  console.log(
    `  ${'Conv2DBackpropFilter (no stock kernel)'.padEnd(38)}         ${filterStrategies.map((s) => s.padStart(12)).join(' ')}  conv2d fwd`,
  );
  for (const layer of layers) {
    const dy = tf.randomNormal(layer.dy);
    const x = tf.randomNormal(layer.x);
    const filter = tf.randomNormal(layer.filter);
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: layer.filter };
    const oursMs = filterStrategies.map((s) => timeKernel(createConv2DBackpropFilterConfig(s), { x, dy }, attrs));
    const forwardMs = timeKernel(
      stockConv2D,
      { x, filter },
      { strides: 2, pad: 'same', dataFormat: 'NHWC', dilations: 1 },
    );
    const label = `${layer.name}: dW [${layer.filter}]`;
    console.log(`  ${label.padEnd(38)}         ${oursMs.map((t) => ms(t).padStart(12)).join(' ')} ${ms(forwardMs)}`);
    tf.dispose([dy, x, filter]);
  }
}

await main();
