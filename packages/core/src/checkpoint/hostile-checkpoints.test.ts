import { createHash } from 'node:crypto';

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  CheckpointError,
  type CheckpointErrorCode,
  type GanForgeError,
  InvalidArgumentError,
  SizeLimitError,
} from '../errors.js';
import { TensorDataset } from '../tensor-dataset.js';
import { tinyData } from '../test-support/tiny-models.js';
import { tinyTrainer } from '../test-support/tiny-trainer.js';
import type { Checkpoint } from './checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
import { loadGenerator } from './load-generator.js';

// The file layout (checkpoint-codec.ts): "GFCKPT01", uint32 LE header length, JSON header, payload.
const prefixBytes = 12;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests edit parsed JSON freely

interface Parts {
  header: Json;
  payload: Uint8Array;
}

function split(bytes: Uint8Array): Parts {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  return {
    header: JSON.parse(new TextDecoder().decode(bytes.subarray(prefixBytes, prefixBytes + headerLength))) as Json,
    payload: bytes.slice(prefixBytes + headerLength),
  };
}

/** The file with `headerText` as its header (any text, valid JSON or not) and `payload` after it. */
function join(headerText: string | Uint8Array, payload: Uint8Array): Uint8Array {
  const header = typeof headerText === 'string' ? new TextEncoder().encode(headerText) : headerText;
  const bytes = new Uint8Array(prefixBytes + header.byteLength + payload.byteLength);
  bytes.set(new TextEncoder().encode('GFCKPT01'));
  new DataView(bytes.buffer).setUint32(8, header.byteLength, true);
  bytes.set(header, prefixBytes);
  bytes.set(payload, prefixBytes + header.byteLength);
  return bytes;
}

let honest: Uint8Array;

/** The honest file with its parsed header changed by `edit` (the payload and its checksum kept). */
function withHeader(edit: (header: Json) => void): Uint8Array {
  const { header, payload } = split(honest);
  edit(header);
  return join(JSON.stringify(header), payload);
}

function denseConfig(header: Json, index = 0): Json {
  const layers = (header['generator'].topology.config.layers as Json[]).filter(
    (layer) => layer['class_name'] === 'Dense',
  );
  return layers[index]!['config'] as Json;
}

interface HostileCase {
  readonly name: string;
  /** The bytes of a damaged file, or (for loadGenerator's own checks) a value passed to it. */
  readonly input: () => Uint8Array | unknown;
  readonly error: new (...args: never[]) => GanForgeError;
  readonly code: CheckpointErrorCode | 'SIZE_LIMIT' | 'INVALID_ARGUMENT';
  /** The message must match (the field path, expected and received where the format defines them). */
  readonly message?: RegExp;
}

// Expected results come from the format's definition (checkpoint-codec.ts, checkpoint-header-schema.ts:
// which field, which range) except the flipped bit's, which comes from SHA-256 itself (below).
const cases: HostileCase[] = [
  { name: 'empty file', input: () => new Uint8Array(0), error: CheckpointError, code: 'CHECKPOINT' },
  {
    name: 'foreign bytes (a PNG signature)',
    input: () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0]),
    error: CheckpointError,
    code: 'CHECKPOINT',
    message: /expected a GANForge checkpoint/,
  },
  {
    name: 'truncated by one byte',
    input: () => honest.subarray(0, honest.byteLength - 1),
    error: CheckpointError,
    code: 'CHECKPOINT',
    message: /truncated or damaged/,
  },
  {
    name: 'truncated inside the header',
    input: () => honest.subarray(0, 40),
    error: CheckpointError,
    code: 'CHECKPOINT',
    message: /truncated/,
  },
  {
    name: 'header length 4 GiB - 16 (beyond the 64 MiB default)',
    input: () => {
      const bytes = honest.slice();
      new DataView(bytes.buffer).setUint32(8, 2 ** 32 - 16, true);
      return bytes;
    },
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message:
      /^checkpoint header: expected at most 67,108,864 bytes, received 4,294,967,280 bytes.*limits\.maxHeaderBytes/,
  },
  {
    name: 'header that is not JSON',
    input: () => join('{"format": "ganforge-checkpoint", ', split(honest).payload),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
  },
  {
    name: 'header that is not UTF-8',
    input: () => join(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), split(honest).payload),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
  },
  {
    name: 'header JSON null',
    input: () => join('null', split(honest).payload),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint: expected an object \(not an array\), received null/,
  },
  {
    name: 'header JSON array',
    input: () => join('[1, 2]', split(honest).payload),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint: expected an object \(not an array\), received Array/,
  },
  {
    name: 'header JSON number',
    input: () => join('42', split(honest).payload),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint: expected an object \(not an array\), received 42/,
  },
  {
    name: 'missing optimizers',
    input: () => withHeader((header) => delete header['optimizers']),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.optimizers: expected this field, received nothing \(the field is missing\)/,
  },
  {
    name: 'missing generator',
    input: () => withHeader((header) => delete header['generator']),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.generator: expected this field/,
  },
  {
    name: 'missing discriminator optimizer specs',
    input: () => withHeader((header) => delete header['optimizers'].discriminator.specs),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.optimizers\.discriminator\.specs: expected this field/,
  },
  {
    name: 'version 2',
    input: () => withHeader((header) => (header['version'] = 2)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.version: expected the value 1, received 2/,
  },
  {
    name: 'another format name',
    input: () => withHeader((header) => (header['format'] = 'other')),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.format: /,
  },
  {
    name: 'step -5',
    input: () => withHeader((header) => (header['step'] = -5)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.step: expected a non-negative integer, received -5/,
  },
  {
    name: 'step 1.5',
    input: () => withHeader((header) => (header['step'] = 1.5)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.step: expected an integer .*, received 1\.5/,
  },
  {
    name: 'epoch -1',
    input: () => withHeader((header) => (header['epoch'] = -1)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.epoch: expected a non-negative integer, received -1/,
  },
  {
    name: 'batchInEpoch a string',
    input: () => withHeader((header) => (header['batchInEpoch'] = '3')),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.batchInEpoch: expected a number, received "3"/,
  },
  {
    name: 'seed 2^31 (one past the largest 31-bit seed)',
    input: () => withHeader((header) => (header['seed'] = 2 ** 31)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.seed: expected an integer from 0 to 2,147,483,647 \(2\^31 - 1\), received 2147483648/,
  },
  {
    name: 'seed -1',
    input: () => withHeader((header) => (header['seed'] = -1)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.seed: /,
  },
  {
    name: 'config an array',
    input: () => withHeader((header) => (header['config'] = [])),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.config: expected an object \(not an array\)/,
  },
  {
    name: 'metadata null',
    input: () => withHeader((header) => (header['metadata'] = null)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.metadata: expected an object \(not an array\), received null/,
  },
  {
    name: 'weight shape not an array',
    input: () => withHeader((header) => (header['generator'].weightSpecs[3].shape = '8')),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.generator\.weightSpecs\[3\]\.shape: expected an array, received "8"/,
  },
  {
    name: 'weight shape with a negative size',
    input: () => withHeader((header) => (header['generator'].weightSpecs[3].shape = [-8])),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.generator\.weightSpecs\[3\]\.shape\[0\]: expected a non-negative integer, received -8/,
  },
  {
    name: 'weight shape with a fraction',
    input: () => withHeader((header) => (header['discriminator'].weightSpecs[0].shape = [6, 2.5])),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.discriminator\.weightSpecs\[0\]\.shape\[1\]: expected an integer/,
  },
  {
    name: 'weight shape beyond 2^53',
    input: () => withHeader((header) => (header['generator'].weightSpecs[0].shape = [1e300])),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /shape\[0\]: expected an integer \(at most 2\^53 - 1\)/,
  },
  {
    name: 'unknown dtype',
    input: () => withHeader((header) => (header['optimizers'].generator.specs[1].dtype = 'complex64')),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message:
      /^checkpoint\.optimizers\.generator\.specs\[1\]\.dtype: expected one of "float32" \| "int32" \| "bool", received "complex64"/,
  },
  {
    name: 'two weights with one name',
    input: () =>
      withHeader((header) => (header['generator'].weightSpecs[1].name = header['generator'].weightSpecs[0].name)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.generator\.weightSpecs\[1\]\.name: expected a name no other weight has/,
  },
  {
    name: 'blob beyond the payload',
    input: () => withHeader((header) => (header['discriminator'].weightData.offset = 1e9)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message:
      /^checkpoint\.discriminator\.weightData: expected a byte range inside the [\d,]+-byte payload, received offset 1000000000/,
  },
  {
    name: 'two blobs overlapping',
    input: () => withHeader((header) => (header['discriminator'].weightData.offset = 0)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /without gaps or overlaps/,
  },
  {
    name: 'negative blob length',
    input: () => withHeader((header) => (header['optimizers'].generator.data.length = -4)),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.optimizers\.generator\.data\.length: expected a non-negative integer/,
  },
  {
    name: 'blobBytes larger than the file',
    input: () => withHeader((header) => (header['blobBytes'] += 100)),
    error: CheckpointError,
    code: 'CHECKPOINT',
    message: /truncated or damaged/,
  },
  {
    name: 'a spec list larger than its blob (a shape grown)',
    input: () => withHeader((header) => (header['generator'].weightSpecs[0].shape = [3, 9])),
    error: CheckpointError,
    code: 'CHECKPOINT_MISMATCH',
    message:
      /^checkpoint\.generator\.weightSpecs: expected tensors totalling 472 bytes \(the length of their blob\), received specs totalling 484 bytes/,
  },
  {
    name: 'an EMA shape that differs from its generator weight (same bytes)',
    input: () => withHeader((header) => (header['generatorEma'].specs[0].shape = [8, 3])),
    error: CheckpointError,
    code: 'CHECKPOINT_MISMATCH',
    message: /^checkpoint\.generatorEma\.specs\[0\]: expected \[3, 8\] float32 .*, received \[8, 3\] float32/,
  },
  {
    name: 'an optimizer slot shape that differs from its weight (same bytes)',
    input: () => withHeader((header) => (header['optimizers'].generator.specs[1].shape = [24])),
    error: CheckpointError,
    code: 'CHECKPOINT_MISMATCH',
    message:
      /^checkpoint\.optimizers\.generator\.specs\[1\] \('dense_Dense\d+\/kernel\/m'\): expected \[3, 8\] float32/,
  },
  {
    name: 'a checksum that is not 64 hex digits',
    input: () => withHeader((header) => (header['payloadSha256'] = 'abc')),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.payloadSha256: expected a SHA-256 digest of 64 hex digits/,
  },
  {
    name: 'a flipped bit in the generator weights',
    input: () => {
      const bytes = honest.slice();
      bytes[bytes.byteLength - split(honest).payload.byteLength + 17]! ^= 0x01;
      // Independent expectation: Node's OpenSSL SHA-256 of the damaged payload differs from the stored one.
      const { header, payload } = split(bytes);
      expect(createHash('sha256').update(payload).digest('hex')).not.toBe(header['payloadSha256']);
      return bytes;
    },
    error: CheckpointError,
    code: 'CHECKPOINT_CHECKSUM',
    message: /weights changed after it was written/,
  },
  {
    name: 'a header nested 100,000 levels deep',
    input: () =>
      join(
        JSON.stringify({ ...split(honest).header, metadata: {} }).replace(
          '"metadata":{}',
          `"metadata":{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
        ),
        split(honest).payload,
      ),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message: /limits\.maxJsonDepth/,
  },
  {
    name: '200,000 scalar optimizer slots (a JS object each)',
    input: () =>
      withHeader((header) => {
        const specs = header['optimizers'].generator.specs as Json[];
        for (let index = 0; index < 200_000; index++) specs.push({ name: `iter${index}`, shape: [], dtype: 'int32' });
      }),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message:
      /^checkpoint\.optimizers\.generator\.specs: expected at most 100,000 tensors, received 200,013 tensors.*limits\.maxTensors/,
  },
  {
    name: 'hostile topology: Dense units 1e9 (12 GB of kernel)',
    input: () => withHeader((header) => (denseConfig(header)['units'] = 1e9)),
    error: CheckpointError,
    code: 'CHECKPOINT_MISMATCH',
    message:
      /^checkpoint\.generator\.topology \(layer 'dense_Dense\d+', weight 'kernel'\): .*\[3, 1000000000\] float32/,
  },
  {
    name: 'hostile topology: input shape [null, 1e9]',
    input: () =>
      withHeader((header) => (header['generator'].topology.config.layers[0].config.batch_input_shape = [null, 1e9])),
    error: CheckpointError,
    code: 'CHECKPOINT_MISMATCH',
    message: /\[1000000000, 8\] float32/,
  },
  {
    name: 'hostile topology: 20,000 layers',
    input: () =>
      withHeader((header) => {
        const layers = header['generator'].topology.config.layers as Json[];
        for (let index = 0; index < 20_000; index++) layers.push({ ...layers[1]!, name: `copy${index}` });
      }),
    error: SizeLimitError,
    code: 'SIZE_LIMIT',
    message: /^checkpoint\.generator\.topology: layer count: expected at most 10,000 layers, received 20,004 layers/,
  },
  {
    name: 'topology with a layer class tfjs does not know',
    input: () => withHeader((header) => (header['generator'].topology.config.layers[2].class_name = 'EvilLayer')),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message:
      /^checkpoint\.generator\.topology: expected a tfjs layers model topology, received one tfjs cannot build .*EvilLayer/,
  },
  {
    name: 'a generator weight renamed (same shape)',
    input: () =>
      withHeader((header) => {
        header['generator'].weightSpecs[5].name = 'elsewhere/bias';
      }),
    error: CheckpointError,
    code: 'CHECKPOINT_MISMATCH',
    message: /^checkpoint\.generator\.weightSpecs: expected a weight named 'dense_Dense\d+\/bias' \(\[6\] float32\)/,
  },
  {
    name: 'loadGenerator(undefined), as a store returns for a missing name',
    input: () => undefined,
    error: CheckpointError,
    code: 'CHECKPOINT',
    message: /expected a GANForge checkpoint \(from a CheckpointStore\), received undefined/,
  },
  {
    name: 'loadGenerator("garbage")',
    input: () => 'garbage',
    error: CheckpointError,
    code: 'CHECKPOINT',
  },
  {
    name: 'loadGenerator of an object that only says it is a checkpoint',
    input: () => ({ format: 'ganforge-checkpoint', version: 1 }),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.step: expected this field/,
  },
  {
    name: 'loadGenerator of a checkpoint whose weights are a string',
    input: () => ({
      ...decodeCheckpoint(honest),
      generator: { ...decodeCheckpoint(honest).generator, weightData: 'x' },
    }),
    error: CheckpointError,
    code: 'CHECKPOINT_HEADER',
    message: /^checkpoint\.generator\.weightData: expected an ArrayBuffer/,
  },
  {
    // Found only after the generator is built: loadGenerator must dispose it.
    name: 'loadGenerator of a checkpoint whose EMA data is 4 bytes short',
    input: () => {
      const checkpoint = decodeCheckpoint(honest);
      const ema = checkpoint.generatorEma!;
      return { ...checkpoint, generatorEma: { ...ema, data: ema.data.slice(0, ema.data.byteLength - 4) } };
    },
    error: CheckpointError,
    code: 'CHECKPOINT_MISMATCH',
    message: /^checkpoint\.generatorEma\.data: expected 472 bytes .*, received 468 bytes/,
  },
  {
    name: 'decodeCheckpoint of a string',
    input: () => 'GFCKPT01',
    error: InvalidArgumentError,
    code: 'INVALID_ARGUMENT',
  },
];

/** Decodes (bytes) and loads the generator, as `ganforge sample` does; objects go to loadGenerator. */
async function load(input: unknown): Promise<void> {
  if (typeof input === 'string' && input.startsWith('GFCKPT')) {
    decodeCheckpoint(input as unknown as Uint8Array);
    return;
  }
  const checkpoint = input instanceof Uint8Array ? decodeCheckpoint(input, { onNote: () => {} }) : input;
  (await loadGenerator(checkpoint as Checkpoint | undefined)).dispose();
}

describe('hostile and damaged checkpoints', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const trainer = tinyTrainer({ ema: { decay: 0.9 }, seed: 4 });
    await trainer.fit(new TensorDataset({ real: tinyData(16) }), { batchSize: 8, steps: 2 });
    honest = encodeCheckpoint(await trainer.checkpoint());
    trainer.dispose();
  });

  it('the honest checkpoint loads (so each failure below is due to its damage)', async () => {
    const before = tf.memory().numTensors;
    await load(honest);
    expect(tf.memory().numTensors).toBe(before);
  });

  it(`walks ${cases.length} hostile checkpoints: each ends in the stated GanForgeError, leaving no tensor`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const hostile of cases) {
      const input = hostile.input();
      const before = tf.memory();
      let caught: unknown;
      try {
        await load(input);
      } catch (error) {
        caught = error;
      }
      const after = tf.memory();
      const summary = {
        name: hostile.name,
        error: caught?.constructor.name,
        code: (caught as GanForgeError | undefined)?.code,
        message: (caught as Error | undefined)?.message.slice(0, 300),
      };
      expect.soft(summary, hostile.name).toMatchObject({
        name: hostile.name,
        error: hostile.error.name,
        code: hostile.code,
        message: expect.stringMatching(hostile.message ?? /./),
      });
      expect.soft(caught, hostile.name).toBeInstanceOf(hostile.error);
      expect.soft(after.numTensors, hostile.name).toBe(before.numTensors);
      expect.soft(after.numBytes - before.numBytes, hostile.name).toBeLessThan(1_000_000);
    }
  });
});
