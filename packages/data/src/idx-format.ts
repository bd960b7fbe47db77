import { describedAs, InvalidArgumentError } from '@ganforge/core';

/** A decoded IDX array (the file format of MNIST and Fashion-MNIST). */
export interface IdxArray {
  /** Dimensions, e.g. [60000, 28, 28] for images or [60000] for labels. */
  readonly shape: number[];
  /** Row-major unsigned bytes. */
  readonly data: Uint8Array;
}

// IDX (LeCun et al., http://yann.lecun.com/exdb/mnist/): two zero bytes, a type code (0x08 =
// unsigned byte), the number of dimensions, then each dimension as a big-endian uint32, then data.
const unsignedByteType = 0x08;

/**
 * Parses an IDX file of unsigned bytes. Throws an error naming `argument` when the bytes are not
 * IDX or hold fewer values than their header declares (a truncated download).
 */
export function parseIdx(bytes: Uint8Array, argument = 'bytes'): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(argument, 'a Uint8Array with IDX bytes', bytes);
  if (bytes.byteLength < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new InvalidArgumentError(
      argument,
      'IDX data (starting with two zero bytes)',
      describedAs(`${bytes.byteLength} bytes that are not IDX`),
    );
  }
  if (bytes[2] !== unsignedByteType) {
    throw new InvalidArgumentError(
      argument,
      'IDX of unsigned bytes (type 0x08)',
      describedAs(`type 0x${bytes[2]!.toString(16)}`),
    );
  }
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (bytes.byteLength < headerBytes) {
    throw new InvalidArgumentError(
      argument,
      `an IDX header of ${headerBytes} bytes`,
      describedAs(`${bytes.byteLength} bytes`),
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, axis) => view.getUint32(4 + 4 * axis, false));
  const count = shape.reduce((product, dimension) => product * dimension, 1);
  if (bytes.byteLength - headerBytes < count) {
    throw new InvalidArgumentError(
      argument,
      `${count} values for shape [${shape.join(', ')}]`,
      describedAs(`${bytes.byteLength - headerBytes} values (the file is truncated)`),
    );
  }
  return { shape, data: bytes.subarray(headerBytes, headerBytes + count) };
}
