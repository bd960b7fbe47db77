import type * as FsPromises from 'node:fs/promises';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  FileNotFoundError,
  type GanForgeError,
  InvalidFileError,
  SizeLimitError,
  UnsafePathError,
} from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { makeFifo } from '../../../../test-support/special-files.js';
import { fileSystemHandler } from './file-system-handler.js';
import { resolveUpscalingModel } from './resolve-upscaling-model.js';

// Every path the code under test opens or reads, whichever fs API it uses.
const opened = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return {
    ...actual,
    open: (path: Parameters<typeof actual.open>[0], ...rest: [never]) => {
      opened.push(String(path));
      return actual.open(path, ...rest);
    },
    readFile: (path: Parameters<typeof actual.readFile>[0], ...rest: [never]) => {
      opened.push(String(path));
      return actual.readFile(path, ...rest);
    },
  };
});
afterEach(() => {
  opened.length = 0;
});

// A Dense layer of 2 units on 3 inputs: kernel [3, 2] and bias [2], float32, so the manifest implies
// (6 + 2) x 4 = 32 bytes (counted by hand). Weights chosen by hand; see the first test for the output.
const kernel = [1, 2, 3, 4, 5, 6];
const bias = [0.5, -0.5];
const weightsBin = () => new Uint8Array(new Float32Array([...kernel, ...bias]).buffer);
const manifest = () => [
  {
    paths: ['weights.bin'],
    weights: [
      { name: 'dense/kernel', shape: [3, 2], dtype: 'float32' },
      { name: 'dense/bias', shape: [2], dtype: 'float32' },
    ],
  },
];

function denseTopology(units = 2): object {
  return {
    class_name: 'Sequential',
    config: {
      name: 'hostile',
      layers: [
        {
          class_name: 'Dense',
          config: { name: 'dense', units, use_bias: true, activation: 'linear', batch_input_shape: [null, 3] },
        },
      ],
    },
  };
}

interface Layout {
  /** Parent of everything; holds `model/`, `sibling/` (valid weights) and `secret.txt`. */
  readonly root: string;
  /** The model folder handed to the loader. */
  readonly model: string;
  readonly sibling: string;
}

/** A valid model folder, with a sibling folder that holds valid weights of the same model. */
function layout(): Layout {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ganforge-hostile-')));
  const model = join(root, 'model');
  const sibling = join(root, 'sibling');
  mkdirSync(model);
  mkdirSync(sibling);
  writeModelJson(model, { modelTopology: denseTopology(), weightsManifest: manifest() });
  writeFileSync(join(model, 'weights.bin'), weightsBin());
  writeFileSync(join(sibling, 'weights.bin'), weightsBin());
  writeFileSync(join(root, 'secret.txt'), 'secret');
  return { root, model, sibling };
}

function writeModelJson(folder: string, json: unknown): void {
  writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
}

function withPaths(paths: string[]) {
  return { modelTopology: denseTopology(), weightsManifest: [{ ...manifest()[0]!, paths }] };
}

function withWeight(weight: object) {
  return { modelTopology: denseTopology(), weightsManifest: [{ paths: ['weights.bin'], weights: [weight] }] };
}

interface HostileCase {
  readonly name: string;
  readonly arrange: (folders: Layout) => void;
  readonly error: new (...args: never[]) => GanForgeError;
  readonly code: string;
  /** A fragment the message must hold (what the user reads). */
  readonly message: RegExp;
  /**
   * The files are fine, the topology is hostile: only GANForge's guarded build refuses it, so it is
   * not handed to tf.loadLayersModel (which would try to allocate it).
   */
  readonly topology?: true;
}

// Expected classes and codes: the contract of readTfjsModelFolder's TSDoc (packages/core/src/files).
const hostileCases: HostileCase[] = [
  {
    name: "a '..' shard path to a sibling folder's valid weights",
    arrange: ({ model }) => writeModelJson(model, withPaths(['../sibling/weights.bin'])),
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /weightsManifest\[0\]\.paths\[0\] .* has a '\.\.' segment/,
  },
  {
    name: "an absolute shard path to a sibling folder's valid weights",
    arrange: ({ model, sibling }) => writeModelJson(model, withPaths([join(sibling, 'weights.bin')])),
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /is an absolute path/,
  },
  {
    name: 'an absolute shard path to /etc/passwd',
    arrange: ({ model }) => writeModelJson(model, withPaths(['/etc/passwd'])),
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /\/etc\/passwd: refused: .*absolute path/,
  },
  {
    name: 'a file:// URL shard path',
    arrange: ({ model, sibling }) =>
      writeModelJson(model, withPaths([pathToFileURL(join(sibling, 'weights.bin')).href])),
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /is a URL/,
  },
  {
    name: 'a backslash path (..\\ on Windows)',
    arrange: ({ model }) => writeModelJson(model, withPaths(['..\\sibling\\weights.bin'])),
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /backslash/,
  },
  {
    name: 'a shard that is a symbolic link out of the folder',
    arrange: ({ model, sibling }) => {
      rmSync(join(model, 'weights.bin'));
      symlinkSync(join(sibling, 'weights.bin'), join(model, 'weights.bin'));
    },
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /symbolic link to .*sibling.weights\.bin, outside its folder/,
  },
  {
    name: 'a shard under a subfolder that is a symbolic link out',
    arrange: ({ model, sibling }) => {
      symlinkSync(sibling, join(model, 'sub'));
      writeModelJson(model, withPaths(['sub/weights.bin']));
    },
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /outside its folder/,
  },
  {
    name: 'a model.json that is a symbolic link out of the folder',
    arrange: ({ root, model }) => {
      rmSync(join(model, 'model.json'));
      symlinkSync(join(root, 'secret.txt'), join(model, 'model.json'));
    },
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /model\.json leads through a symbolic link/,
  },
  {
    name: 'a model.json that is a FIFO (would block forever)',
    arrange: ({ model }) => {
      rmSync(join(model, 'model.json'));
      makeFifo(join(model, 'model.json'));
    },
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /model\.json is a FIFO/,
  },
  {
    name: 'a shard that is a FIFO (would block forever)',
    arrange: ({ model }) => {
      rmSync(join(model, 'weights.bin'));
      makeFifo(join(model, 'weights.bin'));
    },
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /weight shard is a FIFO/,
  },
  {
    name: 'a shard that is a folder',
    arrange: ({ model }) => {
      rmSync(join(model, 'weights.bin'));
      mkdirSync(join(model, 'weights.bin'));
    },
    error: UnsafePathError,
    code: 'UNSAFE_PATH',
    message: /weight shard is a folder/,
  },
  {
    name: 'a huge sparse shard (100 GiB) behind a 32-byte manifest',
    arrange: ({ model }) => truncateSync(join(model, 'weights.bin'), 100 * 1024 ** 3),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    // 100 x 2^30 = 107,374,182,400 bytes.
    message: /weight shards of 32 bytes in all .*received 1 shard of 107374182400 bytes/,
  },
  {
    name: 'a huge sparse shard (16 GiB) whose manifest asks for all of it',
    arrange: ({ model }) => {
      writeModelJson(model, withWeight({ name: 'dense/kernel', shape: [4, 1024, 1024, 1024], dtype: 'float32' }));
      truncateSync(join(model, 'weights.bin'), 16 * 1024 ** 3);
    },
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    // 4 x 2^30 elements x 4 bytes = 17,179,869,184 bytes; the default limit is 2^30.
    message: /at most 1,073,741,824 bytes, received 17,179,869,184 bytes.*maxWeightBytes option/,
  },
  {
    name: 'shard bytes that differ from what the manifest implies',
    arrange: ({ model }) => writeFileSync(join(model, 'weights.bin'), weightsBin().subarray(0, 28)),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /weight shards of 32 bytes in all .*received 1 shard of 28 bytes/,
  },
  {
    name: 'a model.json that is JSON null',
    arrange: ({ model }) => writeModelJson(model, null),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /model\.json: expected a tfjs layers model\.json/,
  },
  {
    name: 'a model.json that is not JSON',
    arrange: ({ model }) => writeFileSync(join(model, 'model.json'), '{"modelTopology": '),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /text that is not JSON/,
  },
  {
    name: 'a weightsManifest that is not an array',
    arrange: ({ model }) => writeModelJson(model, { modelTopology: denseTopology(), weightsManifest: {} }),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /weightsManifest/,
  },
  {
    name: 'a shard path that is not a string',
    arrange: ({ model }) =>
      writeModelJson(model, { modelTopology: denseTopology(), weightsManifest: [{ paths: [7], weights: [] }] }),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /whose model\.json\.weightsManifest\[0\]\.paths\[0\] is a string, received 7/,
  },
  {
    name: 'a weight shape with a negative size',
    arrange: ({ model }) =>
      writeModelJson(model, withWeight({ name: 'dense/kernel', shape: [-3, 2], dtype: 'float32' })),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /weightsManifest\[0\]\.weights\[0\]\.shape\[0\] is a non-negative integer, received -3/,
  },
  {
    name: 'a weight shape with a fraction',
    arrange: ({ model }) =>
      writeModelJson(model, withWeight({ name: 'dense/kernel', shape: [1.5, 2], dtype: 'float32' })),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /shape\[0\] is an integer .*received 1\.5/,
  },
  {
    name: 'an unknown dtype',
    arrange: ({ model }) =>
      writeModelJson(model, withWeight({ name: 'dense/kernel', shape: [3, 2], dtype: 'float64' })),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /dtype/,
  },
  {
    name: 'a uint8-quantized weight without its scale and min',
    arrange: ({ model }) =>
      writeModelJson(
        model,
        withWeight({ name: 'dense/kernel', shape: [3, 2], dtype: 'float32', quantization: { dtype: 'uint8' } }),
      ),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /quantization/,
  },
  {
    name: 'a topology asking for a Dense layer of 1e9 units (12 GB) with weights for 2',
    arrange: ({ model }) => writeModelJson(model, { modelTopology: denseTopology(1e9), weightsManifest: manifest() }),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /a request for \[3, 1000000000\] float32 \(3,000,000,000 elements\), which no unused stored weight has/,
    topology: true,
  },
  {
    name: 'a topology of an unknown layer class',
    arrange: ({ model }) =>
      writeModelJson(model, {
        modelTopology: {
          class_name: 'Sequential',
          config: { name: 's', layers: [{ class_name: 'NoSuchLayer', config: {} }] },
        },
        weightsManifest: [],
      }),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /one tfjs cannot build/,
    topology: true,
  },
  {
    name: 'a topology nested 1,000 levels deep',
    arrange: ({ model }) => {
      let deep: unknown = 0;
      for (let level = 0; level < 1000; level++) deep = [deep];
      writeModelJson(model, { modelTopology: { ...denseTopology(), deep }, weightsManifest: manifest() });
    },
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message: /the topologyLimits\.maxJsonDepth option/,
    topology: true,
  },
  {
    name: 'a topology that is a string',
    arrange: ({ model }) => writeModelJson(model, { modelTopology: 'Dense', weightsManifest: manifest() }),
    error: InvalidFileError,
    code: 'INVALID_FILE',
    message: /modelTopology is an object, received "Dense"/,
  },
  {
    name: 'a missing shard',
    arrange: ({ model }) => rmSync(join(model, 'weights.bin')),
    error: FileNotFoundError,
    code: 'FILE_NOT_FOUND',
    message: /weights\.bin/,
  },
];

describe('loading a hostile model folder', () => {
  for (const hostile of hostileCases) {
    it(`refuses ${hostile.name} with ${hostile.code}, opening nothing outside the folder`, async () => {
      const folders = layout();
      hostile.arrange(folders);
      const before = tf.memory();
      // What `ganforge upscale --model DIR` calls.
      const attempt = resolveUpscalingModel(folders.model);
      await expect(attempt).rejects.toBeInstanceOf(hostile.error);
      await expect(attempt).rejects.toMatchObject({
        code: hostile.code,
        message: expect.stringMatching(hostile.message),
      });
      expect(opened.filter((path) => !path.startsWith(folders.model + sep))).toEqual([]);
      // Nothing allocated is left behind (and nothing large was allocated on the way: see the topology cases).
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.memory().numBytes).toBe(before.numBytes);
      if (hostile.topology) return;
      // The file-level refusals hold for fileSystemHandler under tf.loadLayersModel too.
      await expect(tf.loadLayersModel(fileSystemHandler(folders.model))).rejects.toMatchObject({ code: hostile.code });
      expect(opened.filter((path) => !path.startsWith(folders.model + sep))).toEqual([]);
    });
  }
});

describe('loading an honest model folder', () => {
  it('loads and runs it (output computed by hand)', async () => {
    const { model } = layout();
    const loaded = await tf.loadLayersModel(fileSystemHandler(model));
    // [1, 1, 1] x [[1, 2], [3, 4], [5, 6]] + [0.5, -0.5] = [9 + 0.5, 12 - 0.5].
    const output = loaded.predict(tf.ones([1, 3])) as tf.Tensor;
    expect(Array.from(await output.data())).toEqual([9.5, 11.5]);
    // The spy sees the reads (so the table's "nothing outside" assertions can fail).
    expect(opened).toEqual([join(model, 'model.json'), join(model, 'weights.bin')]);
    tf.dispose(output);
    loaded.dispose();
  });

  it('loads it through a folder that is itself a symbolic link', async () => {
    const { root, model } = layout();
    symlinkSync(model, join(root, 'linked'));
    const loaded = await tf.loadLayersModel(fileSystemHandler(join(root, 'linked')));
    expect(loaded.layers[0]!.getWeights().map((weight) => weight.shape)).toEqual([[3, 2], [2]]);
    loaded.dispose();
  });

  it('loads uint8-quantized weights (dequantized as value x scale + min, tfjs-converter --quantize_uint8)', async () => {
    const { model } = layout();
    writeModelJson(model, {
      modelTopology: denseTopology(),
      weightsManifest: [
        {
          paths: ['weights.bin'],
          weights: [
            {
              name: 'dense/kernel',
              shape: [3, 2],
              dtype: 'float32',
              quantization: { dtype: 'uint8', scale: 0.5, min: -1 },
            },
            { name: 'dense/bias', shape: [2], dtype: 'float32' },
          ],
        },
      ],
    });
    // 6 bytes of kernel (uint8) + 8 bytes of float32 bias = 14 bytes.
    const bytes = new Uint8Array(14);
    bytes.set([0, 1, 2, 3, 4, 5]);
    bytes.set(new Uint8Array(new Float32Array([0, 0]).buffer), 6);
    writeFileSync(join(model, 'weights.bin'), bytes);
    const loaded = await tf.loadLayersModel(fileSystemHandler(model));
    // q x 0.5 - 1 for q = 0..5.
    expect(Array.from(await loaded.layers[0]!.getWeights()[0]!.data())).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);
    loaded.dispose();
  });

  it('refuses a model.json over maxModelJsonBytes, naming the option, and loads it once raised', async () => {
    const { model } = layout();
    const attempt = tf.loadLayersModel(fileSystemHandler(model, { maxModelJsonBytes: 100 }));
    await expect(attempt).rejects.toBeInstanceOf(SizeLimitError);
    await expect(attempt).rejects.toThrow(/expected at most 100 bytes.*the maxModelJsonBytes option/);
    const loaded = await tf.loadLayersModel(fileSystemHandler(model, { maxModelJsonBytes: 1_000_000 }));
    loaded.dispose();
  });

  it('refuses weights over maxWeightBytes (here 31 of 32 bytes), and reads GANFORGE_MAX_WEIGHT_BYTES for the CLI', async () => {
    const { model } = layout();
    await expect(tf.loadLayersModel(fileSystemHandler(model, { maxWeightBytes: 31 }))).rejects.toThrow(
      /at most 31 bytes, received 32 bytes.*maxWeightBytes option \(environment variable GANFORGE_MAX_WEIGHT_BYTES/,
    );
    vi.stubEnv('GANFORGE_MAX_WEIGHT_BYTES', '31');
    try {
      await expect(tf.loadLayersModel(fileSystemHandler(model))).rejects.toBeInstanceOf(SizeLimitError);
      // The option wins over the variable.
      (await tf.loadLayersModel(fileSystemHandler(model, { maxWeightBytes: 32 }))).dispose();
      vi.stubEnv('GANFORGE_MAX_WEIGHT_BYTES', '1 GB');
      await expect(tf.loadLayersModel(fileSystemHandler(model))).rejects.toThrow(
        /GANFORGE_MAX_WEIGHT_BYTES: expected a positive integer \(decimal digits\), received "1 GB"/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
