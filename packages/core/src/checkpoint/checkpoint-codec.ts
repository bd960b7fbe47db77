import * as v from 'valibot';

import { copyViewBytes } from '../bytes/copy-view-bytes.js';
import { CheckpointError, InvalidArgumentError, SizeLimitError } from '../errors.js';
import type { Checkpoint, SerializedModel, SerializedTensors } from './checkpoint.js';
import { sha256Hex } from './checkpoint-checksum.js';
import { assertCheckpointSpecsConsistent } from './checkpoint-consistency.js';
import { type CheckpointHeader, checkpointHeaderSchema, checkpointObjectSchema } from './checkpoint-header-schema.js';
import { type CheckpointLimits, resolveCheckpointLimits } from './checkpoint-limits.js';
import { measureJsonExtent } from './json-extent.js';
import { refusal } from './load-refusal.js';
import { describeSchemaIssue } from './schema-issue.js';
import { totalSpecBytes, type WeightSpec } from './weight-specs.js';

// Layout: 8-byte magic, uint32 LE header length, UTF-8 JSON header, then the binary blobs the
// header points to (the payload). One file per checkpoint keeps "write temp, then rename" atomic.
const magic = 'GFCKPT01';
const prefixBytes = magic.length + 4;
const checkpointOrigin = { kind: 'checkpoint' } as const;

interface BlobRef {
  readonly offset: number;
  readonly length: number;
}

/** Something a reader should tell the user about a checkpoint that still loads. */
export interface CheckpointNote {
  /** `CHECKPOINT_UNVERIFIED`: written before GANForge stored checksums, so its payload is not verified. */
  readonly code: 'CHECKPOINT_UNVERIFIED';
  readonly message: string;
}

/** Options of {@link decodeCheckpoint}. */
export interface DecodeCheckpointOptions {
  /** Raise a limit for a checkpoint you trust (see {@link CheckpointLimits} for the defaults). */
  readonly limits?: Partial<CheckpointLimits>;
  /** How a limit's option is named in a SizeLimitError (a CLI names its flag). Default `the limits.<key> option`. */
  readonly describeLimitOption?: (key: keyof CheckpointLimits) => string;
  /**
   * Receives notes on checkpoints that load but deserve a word (one written before checksums).
   * Default: `console.warn` of the note's message.
   */
  readonly onNote?: (note: CheckpointNote) => void;
}

/**
 * Serializes a checkpoint into one byte array (the same bytes in Node and in browsers). The header
 * stores the SHA-256 of the payload (`payloadSha256`), which {@link decodeCheckpoint} verifies.
 *
 * @throws CheckpointError code `CHECKPOINT_HEADER` when a field is out of range (e.g. a negative
 *   step), so that no file is written that could not be read back.
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const parsed = v.safeParse(checkpointObjectSchema, checkpoint, { abortEarly: true });
  if (!parsed.success) {
    const issue = describeSchemaIssue('checkpoint', parsed.issues[0]);
    throw refusal(
      checkpointOrigin,
      'CHECKPOINT_HEADER',
      issue.field,
      issue.expected,
      issue.received,
      'It cannot be saved.',
    );
  }
  const blobs: Uint8Array[] = [];
  let offset = 0;
  const addBlob = (data: ArrayBuffer): BlobRef => {
    blobs.push(new Uint8Array(data));
    const ref = { offset, length: data.byteLength };
    offset += data.byteLength;
    return ref;
  };
  const modelHeader = (model: SerializedModel) => ({
    topology: model.topology,
    weightSpecs: model.weightSpecs,
    weightData: addBlob(model.weightData),
  });
  const tensorsHeader = (tensors: SerializedTensors) => ({ specs: tensors.specs, data: addBlob(tensors.data) });

  const header = {
    format: checkpoint.format,
    version: checkpoint.version,
    step: checkpoint.step,
    epoch: checkpoint.epoch,
    batchInEpoch: checkpoint.batchInEpoch,
    seed: checkpoint.seed,
    config: checkpoint.config,
    metadata: checkpoint.metadata,
    generator: modelHeader(checkpoint.generator),
    discriminator: modelHeader(checkpoint.discriminator),
    generatorEma: checkpoint.generatorEma ? tensorsHeader(checkpoint.generatorEma) : undefined,
    optimizers: {
      generator: tensorsHeader(checkpoint.optimizers.generator),
      discriminator: tensorsHeader(checkpoint.optimizers.discriminator),
    },
    blobBytes: offset,
    payloadSha256: sha256Hex(blobs),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(prefixBytes + headerBytes.byteLength + offset);
  bytes.set(new TextEncoder().encode(magic), 0);
  new DataView(bytes.buffer).setUint32(magic.length, headerBytes.byteLength, true);
  bytes.set(headerBytes, prefixBytes);
  let position = prefixBytes + headerBytes.byteLength;
  for (const blob of blobs) {
    bytes.set(blob, position);
    position += blob.byteLength;
  }
  return bytes;
}

/**
 * Parses bytes written by {@link encodeCheckpoint}, checking everything before any tensor exists:
 * sizes against `options.limits`, the header against its schema (every field's type and range),
 * every blob inside the payload with no overlap, each spec list's byte size against its blob, the
 * parts against each other (EMA and optimizer slots against the model weights) and the payload's
 * SHA-256. Files written before checksums load with a note (`options.onNote`).
 *
 * @param bytes the whole file (a Node Buffer works: any Uint8Array view).
 * @returns the checkpoint; its blobs are copies, independent of `bytes`.
 * @throws SizeLimitError (file, header or nesting beyond `limits`); CheckpointError with code
 *   `CHECKPOINT` (not a checkpoint, truncated), `CHECKPOINT_HEADER` (a field missing, mistyped or
 *   out of range, named by its path, e.g. `checkpoint.generator.weightSpecs[3].shape`),
 *   `CHECKPOINT_MISMATCH` (sizes or shapes that do not fit each other) or `CHECKPOINT_CHECKSUM`
 *   (the payload changed since it was written).
 *
 * @example
 * ```ts
 * const checkpoint = decodeCheckpoint(await readFile('runs/mnist/latest.gfckpt'), {
 *   onNote: (note) => console.warn(note.message),
 * });
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array, options: DecodeCheckpointOptions = {}): Checkpoint {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError('bytes', "a Uint8Array holding a checkpoint file's bytes", bytes);
  }
  const limits = resolveCheckpointLimits(options.limits, 'options.limits');
  const limitOption = options.describeLimitOption ?? ((key) => `the limits.${key} option`);
  if (bytes.byteLength > limits.maxFileBytes) {
    throw new SizeLimitError('checkpoint', limits.maxFileBytes, bytes.byteLength, 'bytes', limitOption('maxFileBytes'));
  }
  if (bytes.byteLength < prefixBytes || new TextDecoder().decode(bytes.subarray(0, magic.length)) !== magic) {
    throw new CheckpointError(
      'checkpoint: expected a GANForge checkpoint (starting with "GFCKPT01"), received other bytes.',
    );
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(magic.length, true);
  if (headerLength > limits.maxHeaderBytes) {
    throw new SizeLimitError(
      'checkpoint header',
      limits.maxHeaderBytes,
      headerLength,
      'bytes',
      limitOption('maxHeaderBytes'),
    );
  }
  const payloadStart = prefixBytes + headerLength;
  if (payloadStart > bytes.byteLength) {
    throw new CheckpointError(
      `checkpoint: the header claims ${headerLength} bytes but the file is ${bytes.byteLength} bytes: it is truncated.`,
    );
  }
  const header = parseHeader(bytes.subarray(prefixBytes, payloadStart), limits, limitOption);
  if (payloadStart + header.blobBytes !== bytes.byteLength) {
    throw new CheckpointError(
      `checkpoint: expected ${payloadStart + header.blobBytes} bytes, received ${bytes.byteLength}: the file is truncated or damaged.`,
    );
  }
  const payload = bytes.subarray(payloadStart);
  for (const [field, specs] of specLists(header)) {
    if (specs.length > limits.maxTensors) {
      throw new SizeLimitError(field, limits.maxTensors, specs.length, 'tensors', limitOption('maxTensors'));
    }
  }
  assertBlobsTilePayload(header);
  assertSpecSizesMatchBlobs(header);
  assertCheckpointSpecsConsistent(header);

  if (header.payloadSha256 === undefined) {
    (options.onNote ?? ((note: CheckpointNote) => console.warn(note.message)))({
      code: 'CHECKPOINT_UNVERIFIED',
      message:
        'checkpoint: written by an earlier GANForge that stored no checksum, so its weights cannot be verified; it loads as it is. Save it again to add one.',
    });
  } else {
    const actual = sha256Hex([payload]);
    if (actual !== header.payloadSha256) {
      throw new CheckpointError(
        `checkpoint: expected payload SHA-256 ${header.payloadSha256} (stored in its header), received ${actual}: its weights changed after it was written (a damaged disk or transfer). Use another copy.`,
        { code: 'CHECKPOINT_CHECKSUM' },
      );
    }
  }

  // Copies, not `.buffer`: `bytes` may be a Buffer or subarray whose backing store holds other bytes.
  const blob = (ref: BlobRef): ArrayBuffer => copyViewBytes(payload.subarray(ref.offset, ref.offset + ref.length));
  type ModelHeader = CheckpointHeader['generator'];
  type TensorsHeader = CheckpointHeader['optimizers']['generator'];
  const model = (entry: ModelHeader): SerializedModel => ({
    topology: entry.topology,
    weightSpecs: entry.weightSpecs,
    weightData: blob(entry.weightData),
  });
  const tensors = (entry: TensorsHeader): SerializedTensors => ({ specs: entry.specs, data: blob(entry.data) });
  return {
    format: header.format,
    version: header.version,
    step: header.step,
    epoch: header.epoch,
    batchInEpoch: header.batchInEpoch,
    seed: header.seed,
    config: header.config,
    metadata: header.metadata,
    generator: model(header.generator),
    discriminator: model(header.discriminator),
    generatorEma: header.generatorEma ? tensors(header.generatorEma) : undefined,
    optimizers: {
      generator: tensors(header.optimizers.generator),
      discriminator: tensors(header.optimizers.discriminator),
    },
  };
}

function parseHeader(
  headerBytes: Uint8Array,
  limits: CheckpointLimits,
  limitOption: (key: keyof CheckpointLimits) => string,
): CheckpointHeader {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (cause) {
    throw new CheckpointError(
      'checkpoint: expected a JSON header, received bytes that are not valid UTF-8 JSON; the file is damaged.',
      {
        cause,
        code: 'CHECKPOINT_HEADER',
      },
    );
  }
  const extent = measureJsonExtent(json, limits.maxJsonDepth);
  if (extent.depth > limits.maxJsonDepth) {
    throw new SizeLimitError(
      'checkpoint header: JSON nesting',
      limits.maxJsonDepth,
      extent.depth,
      'levels',
      limitOption('maxJsonDepth'),
    );
  }
  const parsed = v.safeParse(checkpointHeaderSchema, json, { abortEarly: true });
  if (!parsed.success) {
    const issue = describeSchemaIssue('checkpoint', parsed.issues[0]);
    throw refusal(checkpointOrigin, 'CHECKPOINT_HEADER', issue.field, issue.expected, issue.received);
  }
  return parsed.output;
}

function blobRefs(header: CheckpointHeader): [string, BlobRef][] {
  const refs: [string, BlobRef][] = [
    ['checkpoint.generator.weightData', header.generator.weightData],
    ['checkpoint.discriminator.weightData', header.discriminator.weightData],
    ['checkpoint.optimizers.generator.data', header.optimizers.generator.data],
    ['checkpoint.optimizers.discriminator.data', header.optimizers.discriminator.data],
  ];
  if (header.generatorEma) refs.push(['checkpoint.generatorEma.data', header.generatorEma.data]);
  return refs;
}

// The encoder writes the blobs one after another, so together they cover the payload exactly once.
function assertBlobsTilePayload(header: CheckpointHeader): void {
  const payloadBytes = header.blobBytes;
  for (const [field, ref] of blobRefs(header)) {
    if (ref.offset + ref.length > payloadBytes) {
      throw refusal(
        checkpointOrigin,
        'CHECKPOINT_HEADER',
        field,
        `a byte range inside the ${payloadBytes.toLocaleString('en-US')}-byte payload`,
        `offset ${ref.offset}, length ${ref.length}`,
      );
    }
  }
  const sorted = blobRefs(header).sort(([, a], [, b]) => a.offset - b.offset || a.length - b.length);
  let end = 0;
  for (const [field, ref] of sorted) {
    if (ref.offset !== end) {
      throw refusal(
        checkpointOrigin,
        'CHECKPOINT_HEADER',
        field,
        `a byte range starting at offset ${end} (blobs follow each other without gaps or overlaps)`,
        `offset ${ref.offset}, length ${ref.length}`,
      );
    }
    end = ref.offset + ref.length;
  }
  if (end !== payloadBytes) {
    throw refusal(
      checkpointOrigin,
      'CHECKPOINT_HEADER',
      'checkpoint.blobBytes',
      `${end.toLocaleString('en-US')} (the bytes its blobs occupy)`,
      payloadBytes.toLocaleString('en-US'),
    );
  }
}

function specLists(header: CheckpointHeader): [string, readonly WeightSpec[], BlobRef][] {
  const lists: [string, readonly WeightSpec[], BlobRef][] = [
    ['checkpoint.generator.weightSpecs', header.generator.weightSpecs, header.generator.weightData],
    ['checkpoint.discriminator.weightSpecs', header.discriminator.weightSpecs, header.discriminator.weightData],
    ['checkpoint.optimizers.generator.specs', header.optimizers.generator.specs, header.optimizers.generator.data],
    [
      'checkpoint.optimizers.discriminator.specs',
      header.optimizers.discriminator.specs,
      header.optimizers.discriminator.data,
    ],
  ];
  if (header.generatorEma)
    lists.push(['checkpoint.generatorEma.specs', header.generatorEma.specs, header.generatorEma.data]);
  return lists;
}

function assertSpecSizesMatchBlobs(header: CheckpointHeader): void {
  const lists = specLists(header);
  for (const [field, specs, ref] of lists) {
    const expected = totalSpecBytes(specs);
    if (expected !== ref.length) {
      throw refusal(
        checkpointOrigin,
        'CHECKPOINT_MISMATCH',
        field,
        `tensors totalling ${ref.length.toLocaleString('en-US')} bytes (the length of their blob)`,
        `specs totalling ${expected.toLocaleString('en-US')} bytes`,
      );
    }
  }
}
