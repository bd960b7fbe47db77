import { CheckpointError } from '../errors.js';
import type { Checkpoint, SerializedModel, SerializedTensors } from './checkpoint.js';

// Layout: 8-byte magic, uint32 LE header length, UTF-8 JSON header, then the binary blobs the
// header points to. One file per checkpoint keeps "write temp, then rename" atomic.
const magic = 'GFCKPT01';
const prefixBytes = magic.length + 4;

interface BlobRef {
  readonly offset: number;
  readonly length: number;
}

/** Serializes a checkpoint into one byte array (the same bytes in Node and in browsers). */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const blobs: ArrayBuffer[] = [];
  let offset = 0;
  const addBlob = (data: ArrayBuffer): BlobRef => {
    blobs.push(data);
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
    ...checkpoint,
    generator: modelHeader(checkpoint.generator),
    discriminator: modelHeader(checkpoint.discriminator),
    generatorEma: checkpoint.generatorEma ? tensorsHeader(checkpoint.generatorEma) : undefined,
    optimizers: {
      generator: tensorsHeader(checkpoint.optimizers.generator),
      discriminator: tensorsHeader(checkpoint.optimizers.discriminator),
    },
    blobBytes: offset,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(prefixBytes + headerBytes.byteLength + offset);
  bytes.set(new TextEncoder().encode(magic), 0);
  new DataView(bytes.buffer).setUint32(magic.length, headerBytes.byteLength, true);
  bytes.set(headerBytes, prefixBytes);
  let position = prefixBytes + headerBytes.byteLength;
  for (const blob of blobs) {
    bytes.set(new Uint8Array(blob), position);
    position += blob.byteLength;
  }
  return bytes;
}

/** Parses bytes written by {@link encodeCheckpoint}; throws a {@link CheckpointError} on damaged input. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.byteLength < prefixBytes || new TextDecoder().decode(bytes.subarray(0, magic.length)) !== magic) {
    throw new CheckpointError(
      'checkpoint: expected a GANForge checkpoint (starting with "GFCKPT01"), received other bytes.',
    );
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(magic.length, true);
  const blobStart = prefixBytes + headerLength;
  if (blobStart > bytes.byteLength) {
    throw new CheckpointError(
      `checkpoint: the header claims ${headerLength} bytes but the file is ${bytes.byteLength} bytes: it is truncated.`,
    );
  }
  let header: Record<string, unknown> & { blobBytes: number };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(prefixBytes, blobStart))) as typeof header;
  } catch (cause) {
    throw new CheckpointError('checkpoint: its header is not valid JSON; the file is damaged.', { cause });
  }
  if (header['version'] !== 1) {
    throw new CheckpointError(
      `checkpoint: expected format version 1, received ${String(header['version'])}. Upgrade @ganforge/core.`,
    );
  }
  if (blobStart + header.blobBytes !== bytes.byteLength) {
    throw new CheckpointError(
      `checkpoint: expected ${blobStart + header.blobBytes} bytes, received ${bytes.byteLength}: the file is truncated or damaged.`,
    );
  }
  const blob = (ref: BlobRef): ArrayBuffer => {
    const start = bytes.byteOffset + blobStart + ref.offset;
    return bytes.buffer.slice(start, start + ref.length) as ArrayBuffer;
  };
  type ModelHeader = Omit<SerializedModel, 'weightData'> & { weightData: BlobRef };
  type TensorsHeader = Omit<SerializedTensors, 'data'> & { data: BlobRef };
  const model = (entry: ModelHeader): SerializedModel => ({ ...entry, weightData: blob(entry.weightData) });
  const tensors = (entry: TensorsHeader): SerializedTensors => ({ specs: entry.specs, data: blob(entry.data) });
  const optimizers = header['optimizers'] as { generator: TensorsHeader; discriminator: TensorsHeader };
  const { blobBytes: _unused, ...rest } = header;
  return {
    ...(rest as unknown as Checkpoint),
    generator: model(header['generator'] as ModelHeader),
    discriminator: model(header['discriminator'] as ModelHeader),
    generatorEma: header['generatorEma'] ? tensors(header['generatorEma'] as TensorsHeader) : undefined,
    optimizers: { generator: tensors(optimizers.generator), discriminator: tensors(optimizers.discriminator) },
  };
}
