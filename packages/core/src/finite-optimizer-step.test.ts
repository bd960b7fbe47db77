import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { tensorBytes } from '../../../test-support/tensor-bytes.js';
import { NonFiniteLossError } from './errors.js';
import { finiteOptimizerStep } from './finite-optimizer-step.js';
import { NonFiniteWeightError } from './non-finite-weight-error.js';

/** Dense -> BatchNorm -> Dense, seeded: two calls build identical models. */
function tinyModel(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.batchNormalization(),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

/** Batch `index` of a fixed sequence; `poisoned` puts a NaN into it. */
function batch(index: number, poisoned: boolean): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const values = Array.from({ length: 12 }, (_, i) => Math.sin(i + 3 * index));
  if (poisoned) values[5] = Number.NaN;
  return { x: tf.tensor2d(values, [4, 3]), y: tf.tensor2d([1, -1, 0.5, 0], [4, 1]) };
}

/** Trains `steps` steps; batch `poisonedStep` (counted from 1), if given, holds a NaN. */
async function run(model: tf.LayersModel, optimizer: tf.Optimizer, steps: number, poisonedStep?: number) {
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  for (let step = 1; step <= steps; step++) {
    const { x, y } = batch(step, step === poisonedStep);
    try {
      await finiteOptimizerStep({
        optimizer,
        variables,
        models: [model],
        step,
        lossName: 'mse',
        loss: () => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      });
    } finally {
      tf.dispose([x, y]);
    }
  }
}

async function state(model: tf.LayersModel, optimizer: tf.Optimizer) {
  const slots = await optimizer.getWeights();
  const result = {
    weights: await tensorBytes(model.getWeights()),
    optimizer: await tensorBytes(slots.map((s) => s.tensor)),
  };
  // getWeights() hands out Adam's own slot variables; only the iteration count is a new tensor.
  tf.dispose(slots[0]!.tensor);
  return result;
}

// On cpu a clone shares the variable's buffer; on wasm it copies it: both paths of the rollback.
describe.each(['cpu', 'wasm'])('finiteOptimizerStep on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('leaves weights, BatchNorm statistics and Adam slots as after the last good step when a batch holds NaN', async () => {
    expect(tf.getBackend()).toBe(backend);
    // Reference (independent of the failure path): the same steps, stopped one step earlier.
    const reference = tinyModel();
    const referenceOptimizer = tf.train.adam(0.01);
    await run(reference, referenceOptimizer, 2);
    const expected = await state(reference, referenceOptimizer);

    const model = tinyModel();
    const optimizer = tf.train.adam(0.01);
    await run(model, optimizer, 2);
    const tensorsBefore = tf.memory().numTensors;
    const failure = await run(model, optimizer, 1, 1).catch((error: unknown) => error);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(failure).toBeInstanceOf(NonFiniteLossError);
    expect((failure as NonFiniteLossError).loss).toBe('mse');
    expect(await state(model, optimizer)).toEqual(expected);
    // And the run goes on: the next good step gives what the reference's next step gives.
    await run(model, optimizer, 1);
    await run(reference, referenceOptimizer, 1);
    expect(await state(model, optimizer)).toEqual(await state(reference, referenceOptimizer));
    reference.dispose();
    model.dispose();
    referenceOptimizer.dispose();
    optimizer.dispose();
  });

  it('refuses a finite loss with an infinite gradient: d sqrt(w)/dw at w = 0 is 1 / (2 sqrt 0) = Infinity', async () => {
    const weight = tf.variable(tf.tensor1d([0, 1]));
    const optimizer = tf.train.adam(0.1);
    const tensorsBefore = tf.memory().numTensors;
    const failure = await finiteOptimizerStep({
      optimizer,
      variables: [weight],
      models: [],
      step: 1,
      lossName: 'root',
      loss: () => tf.sum(tf.sqrt(weight)),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NonFiniteLossError);
    expect((failure as Error).message).toMatch(
      /^Training stopped at step 1: the gradient of the root loss is Infinity\./,
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(Array.from(await weight.data())).toEqual([0, 1]);
    // No slot was created and no iteration counted: only the iteration counter, still 0.
    const slots = await optimizer.getWeights();
    expect(slots.map((slot) => slot.name)).toEqual(['iter']);
    expect(Array.from(await slots[0]!.tensor.data())).toEqual([0]);
    tf.dispose([weight, ...slots.map((slot) => slot.tensor)]);
    optimizer.dispose();
  });

  it('puts BatchNorm statistics back when they overflow while the loss stays finite', async () => {
    const model = tinyModel();
    const bias = tf.variable(tf.scalar(2));
    const optimizer = tf.train.sgd(0.1);
    const expected = await tensorBytes(model.getWeights());
    // Inputs of 1e20: the batch variance (1e40 and more) overflows float32, so the moving variance
    // becomes Infinity; the loss, bias², does not use the model's output.
    const huge = tf.tidy(() => tf.fill([4, 3], 1e20).mul(tf.tensor2d([1, 2, 3, 4], [4, 1])));
    const tensorsBefore = tf.memory().numTensors;
    const failure = await finiteOptimizerStep({
      optimizer,
      variables: [bias],
      models: [model],
      step: 7,
      lossName: 'bias',
      loss: () => {
        model.apply(huge, { training: true });
        return tf.square(bias);
      },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NonFiniteWeightError);
    expect((failure as NonFiniteWeightError).weight).toMatch(/moving_(mean|variance)/);
    expect((failure as NonFiniteWeightError).step).toBe(7);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(await tensorBytes(model.getWeights())).toEqual(expected);
    expect(Array.from(await bias.data())).toEqual([2]);
    tf.dispose([huge, bias]);
    model.dispose();
    optimizer.dispose();
  });
});

describe('finiteOptimizerStep arguments', () => {
  it('names a wrong option before computing anything', async () => {
    const weight = tf.variable(tf.scalar(1));
    const optimizer = tf.train.sgd(0.1);
    const valid = { optimizer, variables: [weight], models: [], step: 1, lossName: 'l', loss: () => tf.square(weight) };
    const tensorsBefore = tf.memory().numTensors;
    await expect(finiteOptimizerStep({ ...valid, optimizer: {} as tf.Optimizer })).rejects.toThrow(
      /^options\.optimizer: expected a tf\.Optimizer/,
    );
    await expect(finiteOptimizerStep({ ...valid, variables: [] })).rejects.toThrow(/^options\.variables: expected/);
    await expect(finiteOptimizerStep({ ...valid, step: 0 })).rejects.toThrow(
      /^options\.step: expected an integer >= 1/,
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(Array.from(await weight.data())).toEqual([1]);
    weight.dispose();
    optimizer.dispose();
  });
});
