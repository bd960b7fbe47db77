import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { sha256Hex } from './checkpoint-checksum.js';

describe('sha256Hex', () => {
  it('gives the FIPS 180-2 example digest of "abc"', () => {
    // FIPS 180-2, appendix B.1: SHA-256("abc").
    expect(sha256Hex([new TextEncoder().encode('abc')])).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it("hashes several parts as one stream, as Node's OpenSSL SHA-256 does", () => {
    const parts = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(1000).fill(7)];
    const openssl = createHash('sha256');
    for (const part of parts) openssl.update(part);
    expect(sha256Hex(parts)).toBe(openssl.digest('hex'));
  });
});
