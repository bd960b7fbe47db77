import { InvalidArgumentError } from '@ganforge/core';
import { describe, expect, it } from 'vitest';

import { CharTokenizer, reedAlphabet } from './char-tokenizer.js';
import { tokenizerFromJson } from './tokenizer-from-json.js';

describe('CharTokenizer', () => {
  it("uses Reed et al.'s 70-character alphabet, '-' listed twice as in their loader", () => {
    expect(reedAlphabet).toHaveLength(70);
    expect(new Set(reedAlphabet).size).toBe(69);
    expect(reedAlphabet.indexOf('-')).toBe(36);
    expect(reedAlphabet.lastIndexOf('-')).toBe(59);
    expect(reedAlphabet.endsWith(' ')).toBe(true);
  });

  it("maps characters to Reed's 1-based indices, lower-cased; unknown 71; padding 0", () => {
    const tokenizer = new CharTokenizer({ maxLength: 8 });
    // Counted by hand in the alphabet: a=1, b=2, space=70, '-' keeps its later position 60, '{' = 68.
    expect(Array.from(tokenizer.encode('Ab é'))).toEqual([1, 2, 70, 71, 0, 0, 0, 0]);
    expect(Array.from(tokenizer.encode('z9-{'))).toEqual([26, 36, 60, 68, 0, 0, 0, 0]);
    expect(tokenizer.unknownId).toBe(71);
    expect(tokenizer.vocabularySize).toBe(72);
  });

  it('defaults to 201 characters, cuts longer texts, and pads before the text when asked', () => {
    expect(new CharTokenizer().maxLength).toBe(201);
    expect(Array.from(new CharTokenizer({ maxLength: 3 }).encode('abcdef'))).toEqual([1, 2, 3]);
    expect(Array.from(new CharTokenizer({ maxLength: 4, padding: 'pre' }).encode('ab'))).toEqual([0, 0, 1, 2]);
    const rows = new CharTokenizer({ maxLength: 2 }).encodeBatch(['a', 'bc', '']);
    expect(Array.from(rows)).toEqual([1, 0, 2, 3, 0, 0]);
  });

  it('survives toJSON / tokenizerFromJson', () => {
    const tokenizer = new CharTokenizer({ maxLength: 12, padding: 'pre' });
    const copy = tokenizerFromJson(JSON.parse(JSON.stringify(tokenizer.toJSON())));
    expect(copy).toBeInstanceOf(CharTokenizer);
    expect(Array.from(copy.encode('Hi!'))).toEqual(Array.from(tokenizer.encode('Hi!')));
    expect(tokenizer.decodeId(41)).toBe('!');
  });

  it('names the argument, the expectation and the value it received', () => {
    expect(() => new CharTokenizer({ maxLength: 0 })).toThrow(
      new InvalidArgumentError('options.maxLength', 'an integer in [1, 65536]', 0),
    );
    expect(() => new CharTokenizer({ padding: 'both' as never })).toThrow(
      /options.padding: expected 'pre' or 'post', received "both"/,
    );
    expect(() => new CharTokenizer().encodeBatch(['ok', 3 as never])).toThrow(
      /texts\[1\]: expected a string, received 3/,
    );
    expect(() => tokenizerFromJson({ type: 'byte' } as never)).toThrow(/json.type: expected 'char' or 'word'/);
  });
});
