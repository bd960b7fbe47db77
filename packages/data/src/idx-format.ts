import { describedAs, InvalidArgumentError, InvalidFileError } from '@ganforge/core';

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
 * Parses an IDX file of unsigned bytes without copying them. The header's dimensions are checked against
 * the number of bytes that follow it before anything else is done, so a 16-byte header that claims 1e9
 * images is refused at once. Throws an error naming `argument` when the bytes are not IDX or hold fewer
 * values than their header declares (a truncated download); with `file`, an InvalidFileError naming it.
 *
 * @param argument - the name the caller knows the bytes by, for the error (default `'bytes'`).
 * @param file - the file the bytes were read from, when there is one.
 * @throws InvalidArgumentError (code `INVALID_ARGUMENT`) naming `argument`, or InvalidFileError (code
 *   `INVALID_FILE`) naming `file` when it is given.
 * @example
 * ```ts
 * const { shape, data } = parseIdx(bytes, 'imageBytes'); // shape [60000, 28, 28]
 * ```
 */
export function parseIdx(bytes: Uint8Array, argument = 'bytes', file?: string): IdxArray {
  const refuse = (expected: string, received: string): never => {
    if (file !== undefined) throw new InvalidFileError(file, expected, received);
    throw new InvalidArgumentError(argument, expected, describedAs(received));
  };
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(argument, 'a Uint8Array with IDX bytes', bytes);
  if (bytes.byteLength < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    refuse('IDX data (starting with two zero bytes)', `${bytes.byteLength} bytes that are not IDX`);
  }
  if (bytes[2] !== unsignedByteType) {
    refuse('IDX of unsigned bytes (type 0x08)', `type 0x${bytes[2]!.toString(16)}`);
  }
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (bytes.byteLength < headerBytes) {
    refuse(`an IDX header of ${headerBytes} bytes`, `${bytes.byteLength} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, axis) => view.getUint32(4 + 4 * axis, false));
  const count = shape.reduce((product, dimension) => product * dimension, 1);
  if (bytes.byteLength - headerBytes < count) {
    refuse(
      `${count} values for shape [${shape.join(', ')}]`,
      `${bytes.byteLength - headerBytes} values (the file is truncated)`,
    );
  }
  return { shape, data: bytes.subarray(headerBytes, headerBytes + count) };
}
