// Builders of hostile image headers for tests, written from the format specifications (not from any
// encoder): PNG (ISO/IEC 15948, W3C PNG 2nd ed.), JPEG (ITU-T T.81 annex B), WebP (RFC 9649).
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG chunks use it (PNG spec annex D; the same as zlib's crc32). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function uint32(value: number): number[] {
  return [(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
}

function pngChunk(type: string, data: Uint8Array): number[] {
  const typeAndData = Uint8Array.from([...Buffer.from(type, 'latin1'), ...data]);
  return [...uint32(data.length), ...typeAndData, ...uint32(crc32(typeAndData))];
}

/**
 * A PNG whose IHDR declares `width` x `height` (valid CRCs) and whose image data is `idat` compressed:
 * by default one zero byte, so the file is ~70 bytes whatever size it claims.
 *
 * @param bitDepth - 8 with colour type 2 (RGB) by default; 1 with colour type 0 (grey) makes the
 *   smallest honest-looking bomb (8 pixels a byte before compression).
 */
export function pngWithHeader(
  width: number,
  height: number,
  options: { bitDepth?: 1 | 8; idat?: Uint8Array } = {},
): Uint8Array {
  const bitDepth = options.bitDepth ?? 8;
  const colourType = bitDepth === 1 ? 0 : 2;
  const ihdr = Uint8Array.from([...uint32(width), ...uint32(height), bitDepth, colourType, 0, 0, 0]);
  return Uint8Array.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...pngChunk('IHDR', ihdr),
    ...pngChunk('IDAT', deflateSync(options.idat ?? new Uint8Array(1))),
    ...pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * A complete, valid 1-bit grey PNG of `width` x `height` black pixels: each row is a filter byte and
 * width/8 zero bytes, which deflate shrinks ~1000-fold (a 16,000 x 16,000 image is ~32 KB). A real
 * decompression bomb: every byte of it decodes.
 */
export function blackPngBomb(width: number, height: number): Uint8Array {
  const rowBytes = 1 + Math.ceil(width / 8);
  return pngWithHeader(width, height, { bitDepth: 1, idat: new Uint8Array(rowBytes * height) });
}

/**
 * A baseline JPEG (T.81 B.2) whose SOF0 declares `width` x `height` (at most 65,535 each), one grey
 * component, with the quantisation and Huffman tables a decoder needs to read the header up to the scan,
 * and two bytes of scan data.
 */
export function jpegWithHeader(width: number, height: number): Uint8Array {
  const segment = (marker: number, body: number[]) => [0xff, marker, ...uint32(body.length + 2).slice(2), ...body];
  return Uint8Array.from([
    0xff,
    0xd8, // SOI
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]), // DQT: table 0, 8-bit, all ones
    ...segment(0xc0, [8, ...uint32(height).slice(2), ...uint32(width).slice(2), 1, 1, 0x11, 0]), // SOF0
    // DHT: DC table 0 and AC table 0, each with one 1-bit code for symbol 0.
    ...segment(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0]),
    ...segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]), // SOS: one component, tables 0/0, spectral 0-63
    0x00,
    0x00,
    0xff,
    0xd9, // EOI
  ]);
}

/**
 * A lossless WebP (RFC 9649 section 5.2.1: 'VP8L', signature 0x2f, 14-bit width-1 and height-1) of
 * `width` x `height` (at most 16,384 each) with no image data after the header.
 */
export function webpWithHeader(width: number, height: number): Uint8Array {
  const bits = (width - 1) | ((height - 1) << 14); // + alpha_is_used 0, version 0 in bits 28-31
  const vp8l = [0x2f, bits & 255, (bits >>> 8) & 255, (bits >>> 16) & 255, (bits >>> 24) & 255, 0, 0, 0];
  const chunk = [...Buffer.from('VP8L', 'latin1'), ...littleEndian32(vp8l.length), ...vp8l];
  return Uint8Array.from([
    ...Buffer.from('RIFF', 'latin1'),
    ...littleEndian32(4 + chunk.length),
    ...Buffer.from('WEBP', 'latin1'),
    ...chunk,
  ]);
}

function littleEndian32(value: number): number[] {
  return uint32(value).reverse();
}

/** IDX bytes (LeCun's format: 0, 0, type 0x08, rank, big-endian uint32 dimensions) with `values` after them. */
export function idxBytes(shape: number[], values: ArrayLike<number> = [], type = 0x08): Uint8Array {
  return Uint8Array.from([0, 0, type, shape.length, ...shape.flatMap(uint32), ...Array.from(values)]);
}
