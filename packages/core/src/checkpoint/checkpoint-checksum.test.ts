import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { nobleSha256Hex, sha256Hex } from './checkpoint-checksum.js';

describe('sha256Hex', () => {
  it('gives the FIPS 180-2 example digest of "abc", in both implementations', () => {
    // FIPS 180-2, appendix B.1: SHA-256("abc").
    const abc = [new TextEncoder().encode('abc')];
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(sha256Hex(abc)).toBe(expected);
    expect(nobleSha256Hex(abc)).toBe(expected);
  });

  it("hashes several parts as one stream, as Node's OpenSSL SHA-256 does", () => {
    const parts = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(1000).fill(7)];
    const openssl = createHash('sha256');
    for (const part of parts) openssl.update(part);
    const expected = openssl.digest('hex');
    expect(sha256Hex(parts)).toBe(expected);
    expect(nobleSha256Hex(parts)).toBe(expected);
  });
});
