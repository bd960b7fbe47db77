import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { CheckpointError, InvalidFileError, SizeLimitError } from '../errors.js';
import { tinyGenerator } from '../test-support/tiny-models.js';
import { serializeModel } from './model-serialization.js';
import { modelFromArtifactsWithinBudget, type UntrustedModelArtifacts } from './model-within-weight-budget.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tinyConvolution(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  const hidden = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: hidden });
}

async function artifactsOf(model: tf.LayersModel) {
  const serialized = await serializeModel(model);
  return {
    modelTopology: JSON.parse(JSON.stringify(serialized.topology)) as Record<string, unknown>,
    weightSpecs: serialized.weightSpecs.map((spec) => ({ ...spec, shape: [...spec.shape] })),
    weightData: serialized.weightData,
  };
}

/** The `config` of the topology's layer with the given class (the first one). */
function layerConfig(artifacts: { modelTopology: Record<string, unknown> }, className: string) {
  const layers = (
    artifacts.modelTopology['config'] as { layers: { class_name: string; config: Record<string, unknown> }[] }
  ).layers;
  return layers.find((layer) => layer.class_name === className)!.config;
}

/**
 * Runs a load that must fail and returns its error, checking that it left no tensor behind and that
 * tfjs's allocator grew by less than 1 MB (each hostile case below would need gigabytes).
 */
async function refusalOf(artifacts: UntrustedModelArtifacts, options = {}): Promise<unknown> {
  const before = tf.memory();
  const arrayBuffersBefore = process.memoryUsage().arrayBuffers;
  const error = await modelFromArtifactsWithinBudget(artifacts, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const after = tf.memory();
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numBytes - before.numBytes).toBeLessThan(1_000_000);
  // Node's own count of ArrayBuffer memory (typed arrays tfjs's cpu backend would fill): no jump.
  expect(process.memoryUsage().arrayBuffers - arrayBuffersBefore).toBeLessThan(64 * 1024 ** 2);
  return error;
}

describe('modelFromArtifactsWithinBudget', () => {
  it('rebuilds a model whose predictions equal the original bit for bit', async () => {
    const original = tinyGenerator({ noiseDim: 3 });
    const rebuilt = await modelFromArtifactsWithinBudget(await artifactsOf(original));
    const difference = tf.tidy(() => {
      const noise = tf.randomNormal([4, 3], 0, 1, 'float32', 7);
      return tf.max(tf.abs(tf.sub(rebuilt.predict(noise) as tf.Tensor, original.predict(noise) as tf.Tensor)));
    });
    expect(difference.dataSync()[0]).toBe(0);
    difference.dispose();
    rebuilt.dispose();
  });

  it('keeps no tensor after the model it built is disposed', async () => {
    const artifacts = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    const before = tf.memory().numTensors;
    const rebuilt = await modelFromArtifactsWithinBudget(artifacts);
    expect(tf.memory().numTensors).toBe(before + 8); // the model's 8 weights, nothing else
    rebuilt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts weight data split in shards, as model.json folders store it', async () => {
    const artifacts = await artifactsOf(tinyConvolution());
    const bytes = artifacts.weightData;
    const model = await modelFromArtifactsWithinBudget({
      ...artifacts,
      weightData: [bytes.slice(0, 10), bytes.slice(10)],
    });
    expect(model.weights.map((weight) => weight.shape)).toEqual([[3, 3, 1, 2], [2]]);
    model.dispose();
  });

  // Each hostile topology below keeps the honest weights; without the guard tfjs would run the
  // layer's initializer on the requested shape first (Dense units 1e9 with 3 inputs: 12 GB).
  it('refuses a Dense layer with 1e9 units before allocating it', async () => {
    const artifacts = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    layerConfig(artifacts, 'Dense')['units'] = 1e9;
    const error = await refusalOf(artifacts, { label: 'checkpoint.generator' });
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({ code: 'CHECKPOINT_MISMATCH' });
    expect((error as Error).message).toMatch(
      /^checkpoint\.generator\.topology \(layer 'dense_Dense\d+', weight 'kernel'\): expected a weight whose shape.*received a request for \[3, 1000000000\] float32 \(3,000,000,000 elements\)/,
    );
  });

  it('refuses Conv2D filters 1e6 and a kernel size of 1e4', async () => {
    for (const change of [{ filters: 1e6 }, { kernel_size: [1e4, 1e4] }]) {
      const artifacts = await artifactsOf(tinyConvolution());
      Object.assign(layerConfig(artifacts, 'Conv2D'), change);
      const error = await refusalOf(artifacts);
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error).toMatchObject({ code: 'CHECKPOINT_MISMATCH' });
    }
  });

  it('refuses a huge batch input shape that makes the next layer huge', async () => {
    const artifacts = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    layerConfig(artifacts, 'InputLayer')['batch_input_shape'] = [null, 1e9];
    const error = await refusalOf(artifacts);
    expect(error).toMatchObject({ code: 'CHECKPOINT_MISMATCH' });
    expect((error as Error).message).toMatch(/\[1000000000, 8\] float32/);
  });

  it('refuses a weightless layer whose output would take gigabytes per example (UpSampling2D size 1e5)', async () => {
    const input = tf.input({ shape: [8, 8, 1] });
    const convolved = tf.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(input) as tf.SymbolicTensor;
    const upsampled = tf.layers.upSampling2d({ size: [2, 2] }).apply(convolved) as tf.SymbolicTensor;
    const artifacts = await artifactsOf(tf.model({ inputs: input, outputs: upsampled }));
    // Honest: 6x6x2 after the conv, 12x12x2 after upsampling. Hostile: 6e5 x 6e5 x 2 = 7.2e11 elements.
    (await modelFromArtifactsWithinBudget(artifacts)).dispose();
    layerConfig(artifacts, 'UpSampling2D')['size'] = [1e5, 1e5];
    const error = await refusalOf(artifacts);
    expect(error).toBeInstanceOf(SizeLimitError);
    expect((error as Error).message).toMatch(
      /^model\.topology: output of layer 'up_sampling2d_UpSampling2D\d+' \(\[null, 600000, 600000, 2\]\): expected at most 268,435,456 elements per example, received 720,000,000,000 elements per example\. .*limits\.maxActivationElements/,
    );
  });

  it('refuses weights whose name, shape or count differ from the topology, naming the weight', async () => {
    const renamed = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    renamed.weightSpecs[0]!.name = 'someone_else/kernel';
    expect(await refusalOf(renamed)).toMatchObject({
      code: 'CHECKPOINT_MISMATCH',
      message: expect.stringMatching(
        /model\.weightSpecs: expected a weight named 'dense_Dense\d+\/kernel' \(\[3, 8\] float32\)/,
      ),
    });

    // Same bytes, transposed shape: the guard finds no stored [3, 8] weight for the kernel.
    const transposed = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    transposed.weightSpecs[0]!.shape = [8, 3];
    expect(await refusalOf(transposed)).toMatchObject({ code: 'CHECKPOINT_MISMATCH' });

    // One weight fewer (its bytes removed too): the topology asks for a weight nobody stored.
    const fewer = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    fewer.weightSpecs.pop();
    fewer.weightData = fewer.weightData.slice(0, fewer.weightData.byteLength - 8 * 4);
    expect(await refusalOf(fewer)).toMatchObject({ code: 'CHECKPOINT_MISMATCH' });

    // One weight more than the model has.
    const more = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    more.weightSpecs.push({ name: 'extra/bias', shape: [2], dtype: 'float32' });
    const padded = new Uint8Array(more.weightData.byteLength + 8);
    padded.set(new Uint8Array(more.weightData));
    more.weightData = padded.buffer;
    expect(await refusalOf(more)).toMatchObject({
      code: 'CHECKPOINT_MISMATCH',
      message: expect.stringMatching(/'extra\/bias': expected only the 8 weights the model has/),
    });
  });

  it('refuses weight data whose length differs from what the specs add up to', async () => {
    const artifacts = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    // 8 weights: kernel 3x8, bias 8, gamma/beta/mean/variance 8 each, kernel 8x6, bias 6 = 118 floats.
    expect(artifacts.weightData.byteLength).toBe(118 * 4);
    const error = await refusalOf({ ...artifacts, weightData: artifacts.weightData.slice(0, 100) });
    expect(error).toMatchObject({
      code: 'CHECKPOINT_MISMATCH',
      message: expect.stringMatching(/^model\.weightData: expected 472 bytes .*, received 100 bytes/),
    });
  });

  it('refuses malformed specs and topologies with CHECKPOINT_HEADER, naming the field', async () => {
    const cases: [(artifacts: Awaited<ReturnType<typeof artifactsOf>>) => void, RegExp][] = [
      [
        (a) => ((a.weightSpecs[1] as { shape: unknown }).shape = 'eight'),
        /^model\.weightSpecs\[1\]\.shape: expected an array, received "eight"/,
      ],
      [
        (a) => (a.weightSpecs[1]!.shape = [-8]),
        /^model\.weightSpecs\[1\]\.shape\[0\]: expected a non-negative integer, received -8/,
      ],
      [
        (a) => ((a.weightSpecs[1] as { dtype: string }).dtype = 'complex64'),
        /^model\.weightSpecs\[1\]\.dtype: expected one of "float32" \| "int32" \| "bool", received "complex64"/,
      ],
      [
        (a) => (a.weightSpecs[1]!.name = a.weightSpecs[0]!.name),
        /^model\.weightSpecs\[1\]\.name: expected a name no other weight has/,
      ],
      [(a) => (a.modelTopology['class_name'] = 42), /^model\.topology\.class_name: expected a string, received 42/],
      [
        (a) => (layerConfig(a, 'Dense')['units'] = 'many'),
        /^model\.topology: expected a tfjs layers model topology, received one tfjs cannot build/,
      ],
    ];
    for (const [damage, message] of cases) {
      const artifacts = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
      damage(artifacts);
      const error = await refusalOf(artifacts);
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error).toMatchObject({ code: 'CHECKPOINT_HEADER' });
      expect((error as Error).message).toMatch(message);
    }
    const unknownClass = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    (unknownClass.modelTopology['config'] as { layers: { class_name: string }[] }).layers[1]!.class_name =
      'NoSuchLayer';
    expect(await refusalOf(unknownClass)).toMatchObject({
      code: 'CHECKPOINT_HEADER',
      message: expect.stringMatching(/NoSuchLayer/),
    });
  });

  it('refuses deeply nested or very long topologies with a SizeLimitError naming the option', async () => {
    const deep = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    let nested: unknown = 1;
    for (let level = 0; level < 1000; level++) nested = [nested];
    layerConfig(deep, 'Dense')['note'] = nested;
    const depthError = await refusalOf(deep);
    expect(depthError).toBeInstanceOf(SizeLimitError);
    expect((depthError as SizeLimitError).option).toBe('the limits.maxJsonDepth option');

    const long = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    const layers = (long.modelTopology['config'] as { layers: unknown[] }).layers;
    layers.push(...Array.from({ length: 20 }, () => layers[1]));
    const layerError = await refusalOf(long, { limits: { maxLayers: 10 } });
    expect(layerError).toBeInstanceOf(SizeLimitError);
    expect(layerError).toMatchObject({ limit: 10, received: 24 }); // 4 layers (input, dense, batch norm, dense) + 20 copies
  });

  it('names the file instead of the checkpoint when loading a model.json', async () => {
    const artifacts = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    layerConfig(artifacts, 'Dense')['units'] = 1e9;
    const error = await refusalOf(artifacts, { file: 'downloads/model.json' });
    expect(error).toBeInstanceOf(InvalidFileError);
    expect((error as Error).message).toMatch(
      /^downloads\/model\.json: expected modelTopology \(layer 'dense_Dense\d+', weight 'kernel'\) to be a weight whose shape/,
    );
    // Written by hand from the topology: noiseDim 3 into 1e9 units asks for a [3, 1000000000] kernel.
    const layerName = String(layerConfig(artifacts, 'Dense')['name']);
    expect((error as Error).message).toBe(
      `downloads/model.json: expected modelTopology (layer '${layerName}', weight 'kernel') to be a weight whose shape ` +
        'and dtype one of the stored weights has, received a request for [3, 1000000000] float32 (3,000,000,000 ' +
        'elements), which no unused stored weight has. The topology does not match its weights: the file is damaged ' +
        'or was made to exhaust memory.',
    );
    const shortData = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    expect(
      await refusalOf({ ...shortData, weightData: shortData.weightData.slice(4) }, { file: 'm/model.json' }),
    ).toMatchObject({
      code: 'INVALID_FILE',
      message: expect.stringMatching(
        /^m\/model\.json: expected weightData to be 472 bytes \(the sizes of the 8 tensors in weightSpecs\), received 468 bytes/,
      ),
    });
  });

  it('loads models concurrently, each guard limited to its own model', async () => {
    const small = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    const convolution = await artifactsOf(tinyConvolution());
    const hostile = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    layerConfig(hostile, 'Dense')['units'] = 1e9;
    const [first, second, third] = await Promise.allSettled([
      modelFromArtifactsWithinBudget(small),
      modelFromArtifactsWithinBudget(hostile),
      modelFromArtifactsWithinBudget(convolution),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'CHECKPOINT_MISMATCH' } });
    expect(third.status).toBe('fulfilled');
    if (first.status === 'fulfilled') first.value.dispose();
    if (third.status === 'fulfilled') third.value.dispose();
  });

  it('leaves Layer.prototype.addWeight as it was, after a success and after a refusal', async () => {
    const original = Object.getOwnPropertyDescriptor(tf.layers.Layer.prototype, 'addWeight');
    const artifacts = await artifactsOf(tinyGenerator({ noiseDim: 3 }));
    (await modelFromArtifactsWithinBudget(artifacts)).dispose();
    layerConfig(artifacts, 'Dense')['units'] = 1e9;
    await refusalOf(artifacts);
    expect(Object.getOwnPropertyDescriptor(tf.layers.Layer.prototype, 'addWeight')).toEqual(original);
    // Models built afterwards are not limited by an earlier load's budget.
    const big = tf.layers.dense({ units: 300, inputShape: [300] });
    tf.sequential({ layers: [big] }).dispose();
  });
});
