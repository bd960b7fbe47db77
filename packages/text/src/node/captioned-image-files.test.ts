import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { encodeImage } from '@ganforge/data/node';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { BagOfWordsEncoder } from '../encoders/bag-of-words-encoder.js';
import { WordTokenizer } from '../tokenizers/word-tokenizer.js';
import { loadCaptionedImages } from './captioned-image-files.js';
import { loadTextEncoderFile, saveTextEncoder } from './text-encoder-files.js';

/** A 4x2 PNG, left half one grey level, right half another. */
function png(left: number, right: number): Promise<Uint8Array> {
  const data = new Uint8Array(4 * 2 * 4);
  for (let y = 0; y < 2; y++)
    for (let x = 0; x < 4; x++)
      data.set([x < 2 ? left : right, x < 2 ? left : right, x < 2 ? left : right, 255], (y * 4 + x) * 4);
  return encodeImage({ width: 4, height: 2, data }, 'png');
}

describe('@ganforge/text/node', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('loads a path<TAB>caption file: relative paths, several captions per picture, comments skipped', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ganforge-tsv-'));
    writeFileSync(join(folder, 'a.png'), await png(0, 255));
    writeFileSync(join(folder, 'b.png'), await png(255, 255));
    writeFileSync(
      join(folder, 'captions.tsv'),
      '# path<TAB>caption\na.png\tA black and white tile.\n\nb.png\tA white tile.\na.png\t  Half black.  \n',
    );
    const { images, captions, imageOfCaption, paths } = await loadCaptionedImages(join(folder, 'captions.tsv'), {
      size: 2,
    });
    expect(paths).toEqual([join(folder, 'a.png'), join(folder, 'b.png')]);
    expect(captions).toEqual(['A black and white tile.', 'A white tile.', 'Half black.']);
    expect(Array.from(imageOfCaption)).toEqual([0, 1, 0]);
    // Centre crop of a 4x2 picture is its middle 2x2: columns 1-2 -> levels 0 and 255 -> -1 and 1.
    expect(images.shape).toEqual([2, 2, 2, 3]);
    expect((images.arraySync() as number[][][][])[0]!.map((row) => row.map((rgb) => rgb[0]))).toEqual([
      [-1, 1],
      [-1, 1],
    ]);
    images.dispose();
    const limited = await loadCaptionedImages(join(folder, 'captions.tsv'), { size: 2, limit: 1, channels: 1 });
    expect(limited.captions).toEqual(['A black and white tile.', 'Half black.']);
    expect(limited.images.shape).toEqual([1, 2, 2, 1]);
    limited.images.dispose();
  });

  it('names the line that is not path<TAB>caption, and a missing file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ganforge-tsv-'));
    writeFileSync(join(folder, 'bad.tsv'), 'a.png\tfine\nb.png has no tab\n');
    await expect(loadCaptionedImages(join(folder, 'bad.tsv'), { size: 8 })).rejects.toThrow(
      /bad.tsv: expected line 2 to be path<TAB>caption, received "b.png has no tab"/,
    );
    await expect(loadCaptionedImages(join(folder, 'none.tsv'), { size: 8 })).rejects.toThrow(
      /^tsvPath: expected an existing path<TAB>caption file, received ".*none.tsv", which does not exist/,
    );
    await expect(loadCaptionedImages(join(folder, 'bad.tsv'), { size: 0 })).rejects.toThrow(/options.size/);
  });

  it('saves and loads a text encoder file', async () => {
    const encoder = new BagOfWordsEncoder({
      tokenizer: WordTokenizer.fromCorpus(['a red tile', 'a blue tile']),
      dim: 3,
      seed: 2,
    });
    const path = join(mkdtempSync(join(tmpdir(), 'ganforge-encoder-')), 'nested', 'text-encoder.json');
    await saveTextEncoder(encoder, path);
    const copy = await loadTextEncoderFile(path);
    const [a, b] = [encoder.encode(['a red tile']), copy.encode(['a red tile'])];
    expect(b.arraySync()).toEqual(a.arraySync());
    tf.dispose([a, b]);
    encoder.dispose();
    copy.dispose();
    await expect(loadTextEncoderFile(`${path}.missing`)).rejects.toThrow(
      /^path: expected an existing text encoder file \(text-encoder.json\), received ".*missing", which does not exist/,
    );
  });
});
