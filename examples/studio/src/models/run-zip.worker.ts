// Zips a run folder off the page's thread (the CRC of a 100 MB checkpoint takes a while).
import * as Comlink from 'comlink';
import { zipSync } from 'fflate';

const api = {
  /** A zip of `folder/<name>` for each file, stored uncompressed (weights do not compress). */
  zip(folder: string, files: Readonly<Record<string, Uint8Array>>): Uint8Array {
    const entries = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [`${folder}/${name}`, bytes]));
    const zipped = zipSync(entries, { level: 0 });
    return Comlink.transfer(zipped, [zipped.buffer as ArrayBuffer]);
  },
};

export type RunZipApi = typeof api;

Comlink.expose(api);
