/**
 * A new ArrayBuffer holding exactly the bytes a view shows.
 *
 * A view's `.buffer` is its whole backing store: a Node `Buffer` from `readFile` or `Buffer.from`
 * usually shares a larger pool, and a `subarray` starts past offset 0, so `.buffer` alone carries
 * other bytes. `Buffer.prototype.slice` is also a view (unlike `Uint8Array.prototype.slice`), so
 * `bytes.slice().buffer` is not a copy for Buffers either. This copies `byteLength` bytes from
 * `byteOffset`, whatever the view's class, and never returns a SharedArrayBuffer.
 *
 * @param view Any typed array or DataView, e.g. a `Buffer`, a `Uint8Array` or a `subarray` of one.
 * @returns An ArrayBuffer of `view.byteLength` bytes that shares nothing with `view`.
 * @example
 * ```ts
 * const pooled = Buffer.from([1, 2, 3]); // pooled.buffer is Node's 8 KiB pool
 * copyViewBytes(pooled).byteLength; // 3
 * ```
 */
export function copyViewBytes(view: ArrayBufferView): ArrayBuffer {
  const copy = new Uint8Array(view.byteLength);
  copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return copy.buffer;
}
