// Issue 12: the pictures a caption file lists are read with the image readers' limits, which
// loadCaptionedImages exposes as maxImagePixels / maxImageFileBytes and names in its errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SizeLimitError } from '@ganforge/core';
import { ImageDecodeError } from '@ganforge/data/node';
import { describe, expect, it } from 'vitest';

import { pngWithHeader } from '../../../data/src/test-fixtures/hostile-image-bytes.js';
import { loadCaptionedImages } from './captioned-image-files.js';

function captionFolder(picture: Uint8Array): string {
  const folder = mkdtempSync(join(tmpdir(), 'ganforge-caption-limits-'));
  writeFileSync(join(folder, 'huge.png'), picture);
  writeFileSync(join(folder, 'captions.tsv'), 'huge.png\ta picture that claims to be huge\n');
  return join(folder, 'captions.tsv');
}

describe('loadCaptionedImages picture limits', () => {
  it('refuses a 66-byte PNG that claims 60,000 x 60,000 pixels from its header, naming maxImagePixels', async () => {
    const tsv = captionFolder(pngWithHeader(60000, 60000));
    const error = await loadCaptionedImages(tsv, { size: 8 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SizeLimitError);
    expect((error as SizeLimitError).message).toMatch(
      /huge\.png \(a 60000 x 60000 image\): expected at most 33,554,432 pixels, received 3,600,000,000 pixels\. .*options\.maxImagePixels or GANFORGE_MAX_IMAGE_PIXELS=N\.$/,
    );
  });

  it('passes maxImagePixels and maxImageFileBytes on to the reader', async () => {
    const tsv = captionFolder(pngWithHeader(60000, 60000));
    // Raised above 3.6e9 pixels, the header passes; the 1-byte image data then fails to decode.
    await expect(loadCaptionedImages(tsv, { size: 8, maxImagePixels: 60000 * 60000 })).rejects.toThrow(
      ImageDecodeError,
    );
    await expect(loadCaptionedImages(tsv, { size: 8, maxImageFileBytes: 10 })).rejects.toThrow(
      /expected at most 10 bytes, received \d+ bytes\. .*options\.maxImageFileBytes\.$/,
    );
  });
});
