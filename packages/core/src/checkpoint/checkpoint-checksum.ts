import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

/**
 * Hex SHA-256 (FIPS 180-4) of byte ranges taken as one stream, with @noble/hashes (synchronous, the
 * same in browsers and Node). A checkpoint stores this digest of its payload in `payloadSha256`.
 */
export function sha256Hex(parts: readonly Uint8Array[]): string {
  const hash = sha256.create();
  for (const part of parts) hash.update(part);
  return bytesToHex(hash.digest());
}
