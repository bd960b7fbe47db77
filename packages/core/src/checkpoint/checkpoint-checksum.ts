import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

/** The part of a hash object both implementations below share. */
interface IncrementalHash {
  update(part: Uint8Array): unknown;
}

/**
 * Hex SHA-256 (FIPS 180-4) of byte ranges taken as one stream, synchronously in every runtime. A
 * checkpoint stores this digest of its payload in `payloadSha256`. In Node it uses OpenSSL through
 * `process.getBuiltinModule('node:crypto')` (no static import, so browsers bundle nothing of Node):
 * measured 0.2 s per 100 MB against 3.7 s for @noble/hashes, which serves everywhere else.
 */
export function sha256Hex(parts: readonly Uint8Array[]): string {
  const openssl = nodeCreateHash();
  if (openssl) {
    const hash = openssl('sha256');
    for (const part of parts) hash.update(part);
    return hash.digest('hex');
  }
  return nobleSha256Hex(parts);
}

/** The @noble/hashes implementation (browsers, workers, runtimes without node:crypto). */
export function nobleSha256Hex(parts: readonly Uint8Array[]): string {
  const hash = sha256.create();
  for (const part of parts) hash.update(part);
  return bytesToHex(hash.digest());
}

type CreateHash = (algorithm: 'sha256') => IncrementalHash & { digest(encoding: 'hex'): string };

let cachedCreateHash: CreateHash | null | undefined;

function nodeCreateHash(): CreateHash | undefined {
  if (cachedCreateHash === undefined) {
    cachedCreateHash = null;
    const process: unknown = Reflect.get(globalThis, 'process');
    const getBuiltinModule: unknown =
      process !== null && typeof process === 'object' ? Reflect.get(process, 'getBuiltinModule') : undefined;
    if (typeof getBuiltinModule === 'function') {
      const crypto: unknown = Reflect.apply(getBuiltinModule, process, ['node:crypto']);
      const createHash: unknown =
        crypto !== null && typeof crypto === 'object' ? Reflect.get(crypto, 'createHash') : undefined;
      if (isCreateHash(createHash)) cachedCreateHash = createHash;
    }
  }
  return cachedCreateHash ?? undefined;
}

function isCreateHash(value: unknown): value is CreateHash {
  return typeof value === 'function';
}
