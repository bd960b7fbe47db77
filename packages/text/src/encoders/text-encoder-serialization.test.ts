import { CheckpointError, InvalidFileError } from '@ganforge/core';
import { describe, expect, it } from 'vitest';

import { loadTextEncoder, textEncoderFromJson } from './text-encoder-serialization.js';

// Expected messages written by hand from the schema: fields are checked in the order the schema
// lists them (format, version, kind, tokenizer, model), and the first failure is named.
describe('text encoder schema refusals', () => {
  it('names a missing field from the encoder top, without a root prefix', async () => {
    const attempt = textEncoderFromJson(JSON.stringify({ format: 'ganforge-text-encoder', version: 1 }));
    await expect(attempt).rejects.toBeInstanceOf(InvalidFileError);
    await expect(attempt).rejects.toThrow(
      'text encoder JSON: expected kind to be present, received nothing (the field is missing).',
    );
  });

  it('names a value of the wrong kind, and a literal that differs', async () => {
    await expect(textEncoderFromJson('3')).rejects.toThrow(
      'text encoder JSON: expected the whole value to be an object, received 3.',
    );
    await expect(
      loadTextEncoder({ format: 'ganforge-text-encoder', version: 2 } as unknown as Parameters<
        typeof loadTextEncoder
      >[0]),
    ).rejects.toThrow(
      new CheckpointError('serialized text encoder: version: expected the value 1, received 2.', {
        code: 'CHECKPOINT_HEADER',
      }),
    );
  });

  it('ends the refusal of a repeated vocabulary word with one period', async () => {
    const json = JSON.stringify({
      format: 'ganforge-text-encoder',
      version: 1,
      kind: 'word-gru',
      tokenizer: { type: 'word', maxLength: 4, padding: 'post', vocabulary: ['a', 'a'] },
      model: { topology: {}, weightSpecs: [], weightData: '' },
    });
    // The tokenizer's own sentence (InvalidArgumentError describes an array by its length) without its period.
    await expect(textEncoderFromJson(json)).rejects.toThrow(
      new InvalidFileError(
        'text encoder JSON',
        'tokenizer.vocabulary to hold distinct words',
        'vocabulary: expected distinct words, received an array of length 2',
      ),
    );
  });
});
