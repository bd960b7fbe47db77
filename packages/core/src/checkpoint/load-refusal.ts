import { CheckpointError, type GanForgeError, InvalidFileError } from '../errors.js';

/**
 * Where weights and a topology being loaded come from, so that a refusal names it: a checkpoint
 * (errors are {@link CheckpointError}s with a code) or a file such as a model.json (errors are
 * {@link InvalidFileError}s naming the file).
 */
export type LoadOrigin = { readonly kind: 'checkpoint' } | { readonly kind: 'file'; readonly path: string };

/**
 * The error for a field that is malformed (`CHECKPOINT_HEADER`) or does not fit the rest
 * (`CHECKPOINT_MISMATCH`). The message reads "field: expected ..., received ...".
 */
export function refusal(
  origin: LoadOrigin,
  code: 'CHECKPOINT_HEADER' | 'CHECKPOINT_MISMATCH',
  field: string,
  expected: string,
  received: string,
  hint?: string,
): GanForgeError {
  if (origin.kind === 'file') {
    // InvalidFileError ends its message with a period, so a hint written as a sentence loses its own.
    const ending = hint ? `. ${withoutFinalPeriod(hint)}` : '';
    return new InvalidFileError(origin.path, `${field} to be ${expected}`, `${received}${ending}`);
  }
  const advice =
    hint ??
    (code === 'CHECKPOINT_HEADER'
      ? 'The file is damaged or was not written by GANForge.'
      : 'The file is damaged, or it belongs to other models.');
  return new CheckpointError(`${field}: expected ${expected}, received ${received}. ${withoutFinalPeriod(advice)}.`, {
    code,
  });
}

/** A sentence without its closing period, for messages that add their own ("memory.." otherwise). */
function withoutFinalPeriod(text: string): string {
  return text.replace(/\.$/, '');
}
