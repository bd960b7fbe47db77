import { assertInteger, InvalidArgumentError } from '@ganforge/core';

import { assertPadding, assertTexts } from './char-tokenizer.js';
import { encodeRows, padRow, type TokenPadding, type Tokenizer, type TokenizerJson } from './tokenizer.js';

export interface WordTokenizerOptions {
  /** Words per row. Default 32. */
  readonly maxLength?: number;
  /** Default 'pre' (the last word ends the row, for a recurrent encoder's final state). */
  readonly padding?: TokenPadding;
}

export interface WordVocabularyOptions extends WordTokenizerOptions {
  /** Keep words seen at least this often. Default 1. */
  readonly minCount?: number;
  /** Keep at most this many words (the most frequent; ties by first appearance). */
  readonly maxWords?: number;
}

/** Lower-cased runs of letters, digits and apostrophes; punctuation and spaces separate words. */
export function splitWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

/**
 * Words to ids: padding 0, out-of-vocabulary 1, the vocabulary's words from 2 in order.
 *
 * @example
 * ```ts
 * const tokenizer = WordTokenizer.fromCorpus(['a red circle', 'a blue square'], { maxLength: 4, padding: 'post' });
 * tokenizer.encode('A red star'); // Int32Array [2, 3, 1, 0]: 'a', 'red', out of vocabulary, padding
 * ```
 */
export class WordTokenizer implements Tokenizer {
  readonly maxLength: number;
  readonly padding: TokenPadding;
  readonly unknownId = 1;
  readonly vocabulary: readonly string[];
  readonly #ids: Map<string, number>;

  constructor(vocabulary: readonly string[], options: WordTokenizerOptions = {}) {
    assertTexts(vocabulary, 'vocabulary');
    this.maxLength = options.maxLength ?? 32;
    assertInteger(this.maxLength, 1, 1 << 16, 'options.maxLength');
    this.padding = options.padding ?? 'pre';
    assertPadding(this.padding);
    this.vocabulary = [...vocabulary];
    this.#ids = new Map(this.vocabulary.map((word, index) => [word, index + 2]));
    if (this.#ids.size !== this.vocabulary.length) {
      throw new InvalidArgumentError('vocabulary', 'distinct words', vocabulary);
    }
  }

  /** Builds the vocabulary from a corpus: words by decreasing count, ties in order of first appearance. */
  static fromCorpus(texts: readonly string[], options: WordVocabularyOptions = {}): WordTokenizer {
    assertTexts(texts);
    const minCount = options.minCount ?? 1;
    assertInteger(minCount, 1, Number.MAX_SAFE_INTEGER, 'options.minCount');
    if (options.maxWords !== undefined) assertInteger(options.maxWords, 1, Number.MAX_SAFE_INTEGER, 'options.maxWords');
    const counts = new Map<string, number>();
    for (const text of texts) for (const word of splitWords(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    // Map iteration follows insertion (first appearance) and Array.prototype.sort is stable.
    const words = [...counts]
      .filter(([, count]) => count >= minCount)
      .sort((a, b) => b[1] - a[1])
      .map(([word]) => word)
      .slice(0, options.maxWords);
    return new WordTokenizer(words, options);
  }

  get vocabularySize(): number {
    return this.vocabulary.length + 2;
  }

  encode(text: string): Int32Array {
    if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
    const ids = splitWords(text).map((word) => this.#ids.get(word) ?? this.unknownId);
    // Truncation keeps the first words, whichever side the padding is on.
    return padRow(ids, this.maxLength, this.padding);
  }

  encodeBatch(texts: readonly string[]): Int32Array {
    assertTexts(texts);
    return encodeRows(this, texts);
  }

  toJSON(): TokenizerJson {
    return { type: 'word', maxLength: this.maxLength, padding: this.padding, vocabulary: this.vocabulary };
  }
}
