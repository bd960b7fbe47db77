import { describe, expect, it } from 'vitest';

import { copyViewBytes } from './copy-view-bytes.js';

describe('copyViewBytes', () => {
  it("copies exactly a Node Buffer's bytes, not its shared pool", () => {
    const buffer = Buffer.from([1, 2, 3, 250]);
    expect(buffer.buffer.byteLength).toBeGreaterThan(4); // Node's pool, as readFile's small results share
    const copy = copyViewBytes(buffer);
    expect(copy).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(copy)).toEqual(new Uint8Array([1, 2, 3, 250]));
  });

  it('copies a subarray from its offset, a Buffer.slice view and a Float32Array view', () => {
    const big = new Uint8Array([9, 9, 9, 4, 5, 6, 9]);
    expect(new Uint8Array(copyViewBytes(big.subarray(3, 6)))).toEqual(new Uint8Array([4, 5, 6]));
    const sliced = Buffer.from(big).slice(3, 6); // Buffer.prototype.slice is a view
    expect(new Uint8Array(copyViewBytes(sliced))).toEqual(new Uint8Array([4, 5, 6]));
    const floats = new Float32Array([0.5, 1.5, 2.5, 3.5]).subarray(1, 3);
    expect(new Float32Array(copyViewBytes(floats))).toEqual(new Float32Array([1.5, 2.5]));
  });

  it('shares nothing with the view', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const copy = new Uint8Array(copyViewBytes(bytes));
    bytes[0] = 42;
    expect(copy[0]).toBe(1);
  });
});
