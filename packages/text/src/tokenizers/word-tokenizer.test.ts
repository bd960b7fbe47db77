import { describe, expect, it } from 'vitest';

import { tokenizerFromJson } from './tokenizer-from-json.js';
import { splitWords, WordTokenizer } from './word-tokenizer.js';

describe('WordTokenizer', () => {
  it('splits lower-cased words on spaces and punctuation', () => {
    expect(splitWords("A red, BIG circle. It's there!")).toEqual(['a', 'red', 'big', 'circle', "it's", 'there']);
  });

  it('builds its vocabulary by count, ties in order of first appearance; OOV 1, padding 0', () => {
    const tokenizer = WordTokenizer.fromCorpus(['a red circle', 'a blue square', 'the red square'], {
      maxLength: 5,
      padding: 'post',
    });
    // counts: a 2, red 2, square 2, circle 1, blue 1, the 1 (first appearance breaks ties)
    expect(tokenizer.vocabulary).toEqual(['a', 'red', 'square', 'circle', 'blue', 'the']);
    expect(tokenizer.vocabularySize).toBe(8);
    expect(Array.from(tokenizer.encode('A red star'))).toEqual([2, 3, 1, 0, 0]);
  });

  it('keeps frequent words only when asked, pads in front by default and keeps the first words', () => {
    const corpus = ['x y y z z z'];
    expect(WordTokenizer.fromCorpus(corpus, { minCount: 2 }).vocabulary).toEqual(['z', 'y']);
    expect(WordTokenizer.fromCorpus(corpus, { maxWords: 1 }).vocabulary).toEqual(['z']);
    const tokenizer = new WordTokenizer(['z', 'y', 'x'], { maxLength: 4 });
    expect(Array.from(tokenizer.encode('x y'))).toEqual([0, 0, 4, 3]);
    expect(Array.from(tokenizer.encode('x y z x y'))).toEqual([4, 3, 2, 4]);
  });

  it('survives toJSON / tokenizerFromJson', () => {
    const tokenizer = WordTokenizer.fromCorpus(['one two two'], { maxLength: 3 });
    const copy = tokenizerFromJson(JSON.parse(JSON.stringify(tokenizer.toJSON())));
    expect(copy).toBeInstanceOf(WordTokenizer);
    expect(Array.from(copy.encodeBatch(['two one', 'three']))).toEqual(
      Array.from(tokenizer.encodeBatch(['two one', 'three'])),
    );
  });

  it('rejects bad vocabularies and options with the argument named', () => {
    expect(() => new WordTokenizer(['a', 'a'])).toThrow(/vocabulary: expected distinct words/);
    expect(() => WordTokenizer.fromCorpus('a b' as never)).toThrow(
      /texts: expected an array of strings, received "a b"/,
    );
    expect(() => WordTokenizer.fromCorpus(['a'], { minCount: 0 })).toThrow(
      /options.minCount: expected an integer >= 1, received 0/,
    );
  });
});
