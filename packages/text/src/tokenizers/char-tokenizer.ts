import { assertInteger, InvalidArgumentError } from '@ganforge/core';

import { encodeRows, padRow, type TokenPadding, type Tokenizer, type TokenizerJson } from './tokenizer.js';

/**
 * Reed et al.'s 70-character alphabet, exactly as their Torch loader (reedscot/icml2016) spells it:
 * lower-case letters, digits, punctuation and the space. '-' appears twice; as in their loader's
 * dictionary the later position wins, so id 37 is never produced and every id equals Reed's 1-based
 * index.
 */
export const reedAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-,;.!?:\'"/\\|_@#$%^&*~`+-=<>()[]{} ';

export interface CharTokenizerOptions {
  /** Characters per row; longer texts are cut. Default 201 (Reed et al. 2016, CUB and Flowers). */
  readonly maxLength?: number;
  /** Default 'post'. */
  readonly padding?: TokenPadding;
}

/**
 * Characters to ids: padding 0, the alphabet's characters 1-70 (Reed's indices), anything else
 * (after lower-casing) the unknown id 71.
 *
 * @example
 * ```ts
 * const tokenizer = new CharTokenizer({ maxLength: 8 });
 * tokenizer.encode('Ab é'); // Int32Array [1, 2, 70, 71, 0, 0, 0, 0]: a, b, space, unknown, padding
 * ```
 */
export class CharTokenizer implements Tokenizer {
  readonly maxLength: number;
  readonly padding: TokenPadding;
  readonly unknownId = reedAlphabet.length + 1;
  readonly vocabularySize = reedAlphabet.length + 2;
  // Later duplicates overwrite earlier ones, as in Reed's loader ('-' -> 60).
  readonly #ids = new Map<string, number>([...reedAlphabet].map((char, index) => [char, index + 1]));

  constructor(options: CharTokenizerOptions = {}) {
    this.maxLength = options.maxLength ?? 201;
    assertInteger(this.maxLength, 1, 1 << 16, 'options.maxLength');
    this.padding = options.padding ?? 'post';
    assertPadding(this.padding);
  }

  encode(text: string): Int32Array {
    if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
    const ids = [...text.toLowerCase()].map((char) => this.#ids.get(char) ?? this.unknownId);
    return padRow(ids, this.maxLength, this.padding);
  }

  encodeBatch(texts: readonly string[]): Int32Array {
    assertTexts(texts);
    return encodeRows(this, texts);
  }

  /** The character of an id ('' for padding, '\uFFFD' for unknown). */
  decodeId(id: number): string {
    if (id === 0) return '';
    return reedAlphabet[id - 1] ?? '\uFFFD';
  }

  toJSON(): TokenizerJson {
    return { type: 'char', maxLength: this.maxLength, padding: this.padding };
  }
}

export function assertPadding(padding: unknown): asserts padding is TokenPadding {
  if (padding !== 'pre' && padding !== 'post')
    throw new InvalidArgumentError('options.padding', "'pre' or 'post'", padding);
}

export function assertTexts(texts: unknown, argument = 'texts'): asserts texts is readonly string[] {
  if (!Array.isArray(texts)) throw new InvalidArgumentError(argument, 'an array of strings', texts);
  const bad = texts.findIndex((text) => typeof text !== 'string');
  if (bad >= 0) throw new InvalidArgumentError(`${argument}[${bad}]`, 'a string', texts[bad]);
}
