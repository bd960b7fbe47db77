/** Turns texts into fixed-length rows of token ids. Id 0 is padding in every GANForge tokenizer. */
export interface Tokenizer {
  /** Number of distinct ids, padding and unknown included: ids are in [0, vocabularySize). */
  readonly vocabularySize: number;
  /** Length of every encoded row. */
  readonly maxLength: number;
  /** The id that characters or words outside the vocabulary map to. */
  readonly unknownId: number;
  /** Ids of one text, padded with 0 (or truncated) to `maxLength`. */
  encode(text: string): Int32Array;
  /** Ids of several texts, row-major [texts.length * maxLength]. */
  encodeBatch(texts: readonly string[]): Int32Array;
  /** Plain JSON that {@link tokenizerFromJson} turns back into an equal tokenizer. */
  toJSON(): TokenizerJson;
}

export type TokenizerJson =
  | { readonly type: 'char'; readonly maxLength: number; readonly padding: TokenPadding }
  | {
      readonly type: 'word';
      readonly maxLength: number;
      readonly padding: TokenPadding;
      readonly vocabulary: readonly string[];
    };

/**
 * Where padding goes when a text is shorter than `maxLength`. 'post' (after the text) suits
 * convolutions that read the whole row; 'pre' puts the text last, so a recurrent layer's final state
 * follows the last real token.
 */
export type TokenPadding = 'pre' | 'post';

/** Writes `ids` into a row of `maxLength`, truncating the end and padding with 0 on the chosen side. */
export function padRow(ids: readonly number[], maxLength: number, padding: TokenPadding): Int32Array {
  const row = new Int32Array(maxLength);
  const kept = ids.slice(0, maxLength);
  row.set(kept, padding === 'post' ? 0 : maxLength - kept.length);
  return row;
}

export function encodeRows(tokenizer: Tokenizer, texts: readonly string[]): Int32Array {
  const rows = new Int32Array(texts.length * tokenizer.maxLength);
  texts.forEach((text, index) => rows.set(tokenizer.encode(text), index * tokenizer.maxLength));
  return rows;
}
