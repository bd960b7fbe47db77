import { FileNotFoundError, InvalidArgumentError, SizeLimitError } from '@ganforge/core';
import { describe, expect, it } from 'vitest';

import { namingFlags, withFlagName } from './flag-names.js';

describe('namingFlags', () => {
  it("replaces a library's argument name by the flag the user typed, keeping the class, code and cause", async () => {
    const original = new InvalidArgumentError('options.subsetSize', 'at most 9', 5000);
    const renamed = await namingFlags({ 'options.subsetSize': '--subset-size' }, () => Promise.reject(original)).catch(
      (error: unknown) => error,
    );
    expect(renamed).toBeInstanceOf(InvalidArgumentError);
    expect(renamed).toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: '--subset-size',
      message: '--subset-size: expected at most 9, received 5000.',
      cause: original,
    });
    const missing = withFlagName(new FileNotFoundError('path', 'a.png'), { path: '<in>' });
    expect(missing).toBeInstanceOf(FileNotFoundError);
    expect((missing as Error).message).toBe('<in>: expected an existing file, received "a.png", which does not exist.');
  });

  it('names the flag that raises a size limit, and leaves unmapped and foreign errors alone', () => {
    const limit = new SizeLimitError('photo.png', 100, 200, 'pixels', 'options.maxPixels');
    const renamed = withFlagName(limit, { 'options.maxPixels': '--max-pixels' }) as SizeLimitError;
    expect(renamed.option).toBe('--max-pixels');
    expect(renamed.message).toBe(
      'photo.png: expected at most 100 pixels, received 200 pixels. If you trust this input, raise the limit with --max-pixels.',
    );
    const other = new InvalidArgumentError('options.seed', 'an integer', 'x');
    expect(withFlagName(other, { 'options.subsetSize': '--subset-size' })).toBe(other);
    const plain = new TypeError('bug');
    expect(withFlagName(plain, { bug: '--bug' })).toBe(plain);
  });
});
