import { InvalidArgumentError } from '@ganforge/core';

import { CharTokenizer } from './char-tokenizer.js';
import type { Tokenizer, TokenizerJson } from './tokenizer.js';
import { WordTokenizer } from './word-tokenizer.js';

/** Rebuilds a tokenizer from its `toJSON()`. */
export function tokenizerFromJson(json: TokenizerJson): Tokenizer {
  switch (json?.type) {
    case 'char':
      return new CharTokenizer({ maxLength: json.maxLength, padding: json.padding });
    case 'word':
      return new WordTokenizer(json.vocabulary, { maxLength: json.maxLength, padding: json.padding });
    default:
      throw new InvalidArgumentError(
        'json.type',
        "'char' or 'word' (from Tokenizer.toJSON())",
        (json as { type?: unknown } | undefined)?.type,
      );
  }
}
