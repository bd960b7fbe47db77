import { describe, expect, it } from 'vitest';

import { parseIdx } from './idx-format.js';

/** Builds IDX bytes by hand from the format's description: 0, 0, type, rank, big-endian dims, data. */
function idx(shape: number[], values: number[]): Uint8Array {
  const header = [
    0,
    0,
    0x08,
    shape.length,
    ...shape.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255]),
  ];
  return Uint8Array.from([...header, ...values]);
}

describe('parseIdx', () => {
  it('reads shape and data of unsigned-byte IDX', () => {
    const parsed = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 300 & 255]));
    expect(parsed.shape).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 44]);
  });

  it('reads dimensions above 255 big-endian', () => {
    expect(parseIdx(idx([258], new Array(258).fill(7))).shape).toEqual([258]);
  });

  it('names truncated and foreign input', () => {
    expect(() => parseIdx(idx([4], [1, 2]), 'labelBytes')).toThrow(
      /labelBytes: expected 4 values for shape \[4\], received 2 values \(the file is truncated\)/,
    );
    expect(() => parseIdx(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toThrow(/bytes: expected IDX data/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]))).toThrow(
      /unsigned bytes \(type 0x08\), received type 0xd/,
    );
  });
});
