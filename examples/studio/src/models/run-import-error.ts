import { GanForgeError } from '@ganforge/core';

/**
 * Why files could not be imported as a run, for people: the message names the file (or the URL),
 * what was expected and what was received, e.g. `latest.gfckpt: expected a GANForge checkpoint
 * (starting with "GFCKPT01"), received a PNG image.` Nothing is stored when it is thrown.
 *
 * Codes: `NOT_A_RUN_FILE` (a file of another kind), `CHECKPOINT*` (the checkpoint decoder's codes:
 * truncated, damaged, checksum), `RUN_INCOMPLETE` (a file the run needs is missing),
 * `RUN_MIXED` (files of two different runs), `RUN_UNKNOWN_FAMILY`, `TEXT_ENCODER` (text-encoder.json
 * refused), `URL_UNREACHABLE` / `URL_HTTP` (the download failed).
 */
export class RunImportError extends GanForgeError {
  /** The file (or URL) the message is about. */
  readonly file: string;

  constructor(code: string, file: string, detail: string) {
    super(code, `${file}: ${detail}`);
    this.file = file;
  }
}
