import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CheckpointError, FileNotFoundError, InvalidFileError, SizeLimitError, UnsafePathError } from '@ganforge/core';
import { encodeImage } from '@ganforge/data/node';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { makeFifo, makeSparseFile } from '../../../../test-support/special-files.js';
import { BagOfWordsEncoder } from '../encoders/bag-of-words-encoder.js';
import { textEncoderToJson } from '../encoders/text-encoder-serialization.js';
import { WordTokenizer } from '../tokenizers/word-tokenizer.js';
import {
  captionPathsOutsideFolderVariable,
  loadCaptionedImages,
  maxCaptionFileBytesVariable,
} from './captioned-image-files.js';
import { loadTextEncoderFile, maxTextEncoderBytesVariable, saveTextEncoder } from './text-encoder-files.js';

type ErrorClass = abstract new (...args: never[]) => Error;
interface Row {
  readonly name: string;
  /** Makes the hostile input at `path` (in a fresh folder) and returns the path to read. */
  readonly make: (path: string) => string | Promise<string>;
  readonly error: ErrorClass;
  readonly code: string;
  /** Part of the message: the field or line it names. */
  readonly names?: RegExp;
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

let encoderJson: Record<string, unknown>;

/** The JSON of a small real encoder with `change` applied to a copy of it. */
function encoderFile(path: string, change: (json: Record<string, unknown>) => void): string {
  const copy = structuredClone(encoderJson);
  change(copy);
  writeFileSync(path, JSON.stringify(copy));
  return path;
}

function field(json: Record<string, unknown>, name: string): Record<string, unknown> {
  return json[name] as Record<string, unknown>;
}

describe('text readers refuse hostile and mistaken files with typed errors', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const encoder = new BagOfWordsEncoder({
      tokenizer: WordTokenizer.fromCorpus(['a red tile', 'a blue tile']),
      dim: 3,
    });
    encoderJson = JSON.parse(await textEncoderToJson(encoder)) as Record<string, unknown>;
    encoder.dispose();
  });
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of [maxTextEncoderBytesVariable, maxCaptionFileBytesVariable, captionPathsOutsideFolderVariable]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const encoderRows: Row[] = [
    { name: 'a missing file', make: (path) => path, error: FileNotFoundError, code: 'FILE_NOT_FOUND' },
    // Opening a FIFO for reading blocks until a writer comes: it must be refused before open().
    { name: 'a FIFO', make: makeFifo, error: UnsafePathError, code: 'UNSAFE_PATH', names: /FIFO/ },
    { name: 'a folder', make: (path) => (mkdirSync(path), path), error: UnsafePathError, code: 'UNSAFE_PATH' },
    {
      name: 'a symbolic link to a device',
      make: (path) => (symlinkSync('/dev/zero', path), path),
      error: UnsafePathError,
      code: 'UNSAFE_PATH',
      names: /device/,
    },
    {
      // 300 MiB claimed against the 256 MiB default; costs no disk.
      name: 'a sparse file larger than the limit',
      make: (path) => makeSparseFile(path, 300 * 1024 ** 2),
      error: SizeLimitError,
      code: 'SIZE_LIMIT',
      names: /maxBytes option of loadTextEncoderFile or the GANFORGE_MAX_TEXT_ENCODER_BYTES/,
    },
    {
      name: 'text that is not JSON',
      make: (path) => (writeFileSync(path, '{"format": "ganforge-text-encoder",'), path),
      error: InvalidFileError,
      code: 'INVALID_FILE',
      names: /not JSON/,
    },
    {
      // V8's JSON.parse message quotes the text; a linked secret must not be echoed in the error.
      name: 'a file that is not JSON, without quoting it',
      make: (path) => (writeFileSync(path, 'root:x:0:0:secret-line'), path),
      error: InvalidFileError,
      code: 'INVALID_FILE',
      names: /^(?!.*root:x).*received text that is not JSON/,
    },
    {
      name: 'JSON null',
      make: (path) => (writeFileSync(path, 'null'), path),
      error: InvalidFileError,
      code: 'INVALID_FILE',
    },
    {
      name: 'another format',
      make: (path) => encoderFile(path, (json) => (json.format = 'onnx')),
      error: InvalidFileError,
      code: 'INVALID_FILE',
      names: /format/,
    },
    {
      name: 'a tokenizer length that is a string',
      make: (path) => encoderFile(path, (json) => (field(json, 'tokenizer').maxLength = '12')),
      error: InvalidFileError,
      code: 'INVALID_FILE',
      names: /tokenizer\.maxLength to be a number, received "12"/,
    },
    {
      name: 'a negative tokenizer length',
      make: (path) => encoderFile(path, (json) => (field(json, 'tokenizer').maxLength = -3)),
      error: InvalidFileError,
      code: 'INVALID_FILE',
      names: /tokenizer\.maxLength/,
    },
    {
      name: 'a missing vocabulary',
      make: (path) => encoderFile(path, (json) => delete field(json, 'tokenizer').vocabulary),
      error: InvalidFileError,
      code: 'INVALID_FILE',
      names: /tokenizer\.vocabulary .*missing/,
    },
    {
      name: 'a vocabulary with a repeated word',
      make: (path) => encoderFile(path, (json) => (field(json, 'tokenizer').vocabulary = ['red', 'red'])),
      error: InvalidFileError,
      code: 'INVALID_FILE',
      names: /distinct words/,
    },
    {
      name: 'a word tokenizer for a char-CNN-RNN',
      make: (path) => encoderFile(path, (json) => (json.kind = 'char-cnn-rnn')),
      error: InvalidFileError,
      code: 'INVALID_FILE',
      names: /tokenizer\.type to be 'char' for kind 'char-cnn-rnn'/,
    },
    {
      name: 'weights that are not base64',
      make: (path) => encoderFile(path, (json) => (field(json, 'model').weightData = '%%% not base64 %%%')),
      error: InvalidFileError,
      code: 'INVALID_FILE',
      names: /model\.weightData to be base64/,
    },
    {
      name: 'a weight shape with a negative size',
      make: (path) =>
        encoderFile(path, (json) => {
          const specs = field(json, 'model').weightSpecs as { shape: number[] }[];
          specs[0]!.shape = [-1, 3];
        }),
      error: InvalidFileError,
      code: 'INVALID_FILE',
      names: /model\.weightSpecs\[0\]\.shape\[0\] to be a non-negative integer, received -1/,
    },
    {
      // Valid base64 of 4 bytes where the specs ask for more: deserializeModel refuses it.
      name: 'fewer weight bytes than the specs ask for',
      make: (path) => encoderFile(path, (json) => (field(json, 'model').weightData = 'AAAAAA==')),
      error: CheckpointError,
      code: 'CHECKPOINT',
    },
  ];

  for (const row of encoderRows) {
    it(`loadTextEncoderFile refuses ${row.name}`, async () => {
      const path = await row.make(join(mkdtempSync(join(tmpdir(), 'ganforge-hostile-encoder-')), 'text-encoder.json'));
      const error = await thrown(loadTextEncoderFile(path));
      expect(error).toBeInstanceOf(row.error);
      expect((error as { code: string }).code).toMatch(new RegExp(`^${row.code}`));
      if (row.names) expect((error as Error).message).toMatch(row.names);
      expect(tf.memory().numTensors).toBe(0); // nothing left allocated by the refusal
    });
  }

  it('loadTextEncoderFile: limits have options, and a link the user named is followed', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ganforge-encoder-limits-'));
    const path = encoderFile(join(folder, 'text-encoder.json'), () => undefined);
    await expect(loadTextEncoderFile(path, { maxBytes: 10 })).rejects.toThrow(SizeLimitError);
    process.env[maxTextEncoderBytesVariable] = '10';
    await expect(loadTextEncoderFile(path)).rejects.toThrow(/GANFORGE_MAX_TEXT_ENCODER_BYTES/);
    delete process.env[maxTextEncoderBytesVariable];
    // The encoder's vocabulary ('a', 'tile', 'red', 'blue') is 4 words.
    const vocabularyError = await thrown(loadTextEncoderFile(path, { maxVocabularyWords: 3 }));
    expect(vocabularyError).toBeInstanceOf(SizeLimitError);
    expect((vocabularyError as Error).message).toMatch(
      /tokenizer\.vocabulary: expected at most 3 words, received 4 words/,
    );
    symlinkSync(path, join(folder, 'link.json'));
    const encoder = await loadTextEncoderFile(join(folder, 'link.json'), { maxVocabularyWords: 4 });
    expect(encoder.kind).toBe('bag-of-words');
    encoder.dispose();
  });

  it('saveTextEncoder writes atomically and removes the temporaries an interrupted save left', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ganforge-encoder-save-'));
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid; // a process that has exited
    writeFileSync(join(folder, `text-encoder.json.${deadPid}.tmp`), '{"half": '); // saveTextEncoder's before
    writeFileSync(join(folder, `.text-encoder.json.${deadPid}-0123456789ab.tmp`), '{"half": ');
    const encoder = new BagOfWordsEncoder({ tokenizer: WordTokenizer.fromCorpus(['a red tile']), dim: 2 });
    await saveTextEncoder(encoder, join(folder, 'text-encoder.json'));
    encoder.dispose();
    expect(readdirSync(folder)).toEqual(['text-encoder.json']);
  });

  describe('loadCaptionedImages', () => {
    const captionRows: Row[] = [
      { name: 'a missing file', make: (path) => path, error: FileNotFoundError, code: 'FILE_NOT_FOUND' },
      { name: 'a FIFO', make: makeFifo, error: UnsafePathError, code: 'UNSAFE_PATH', names: /FIFO/ },
      { name: 'a folder', make: (path) => (mkdirSync(path), path), error: UnsafePathError, code: 'UNSAFE_PATH' },
      {
        name: 'a sparse file larger than the limit',
        make: (path) => makeSparseFile(path, 300 * 1024 ** 2),
        error: SizeLimitError,
        code: 'SIZE_LIMIT',
        names: /maxFileBytes option of loadCaptionedImages or the GANFORGE_MAX_CAPTION_FILE_BYTES/,
      },
      {
        name: 'a line without a tab',
        make: (path) => (writeFileSync(path, 'a.png\tfine\nb.png no tab\n'), path),
        error: InvalidFileError,
        code: 'INVALID_FILE',
        names: /expected line 2 to be path<TAB>caption/,
      },
      {
        name: 'a file with no caption line',
        make: (path) => (writeFileSync(path, '# only a comment\n\n'), path),
        error: InvalidFileError,
        code: 'INVALID_FILE',
      },
      {
        name: 'an absolute picture path',
        make: (path) => (writeFileSync(path, '/etc/passwd\ta secret\n'), path),
        error: UnsafePathError,
        code: 'UNSAFE_PATH',
        names: /line 1 of .* is an absolute path.*allowPathsOutsideFolder.*GANFORGE_CAPTION_PATHS_OUTSIDE_FOLDER=1/,
      },
      {
        name: "a picture path that climbs out with '..'",
        make: (path) => (writeFileSync(path, 'a.png\tfine\npictures/../../x.png\tout\n'), path),
        error: UnsafePathError,
        code: 'UNSAFE_PATH',
        names: /line 2 of .* has a '\.\.' segment/,
      },
    ];
    for (const row of captionRows) {
      it(`refuses ${row.name}`, async () => {
        const path = await row.make(join(mkdtempSync(join(tmpdir(), 'ganforge-hostile-captions-')), 'captions.tsv'));
        const error = await thrown(loadCaptionedImages(path, { size: 2 }));
        expect(error).toBeInstanceOf(row.error);
        expect((error as { code: string }).code).toBe(row.code);
        if (row.names) expect((error as Error).message).toMatch(row.names);
      });
    }

    it('reads pictures outside the folder only when allowed, and has a size option', async () => {
      const root = mkdtempSync(join(tmpdir(), 'ganforge-captions-outside-'));
      const data = new Uint8Array(2 * 2 * 4).fill(255);
      writeFileSync(join(root, 'shared.png'), await encodeImage({ width: 2, height: 2, data }, 'png'));
      mkdirSync(join(root, 'set'));
      const tsv = join(root, 'set', 'captions.tsv');
      writeFileSync(tsv, '../shared.png\ta white tile\n');
      await expect(loadCaptionedImages(tsv, { size: 2 })).rejects.toThrow(UnsafePathError);
      const allowed = await loadCaptionedImages(tsv, { size: 2, allowPathsOutsideFolder: true });
      expect(allowed.images.shape).toEqual([1, 2, 2, 3]);
      allowed.images.dispose();
      process.env[captionPathsOutsideFolderVariable] = '1';
      const viaEnvironment = await loadCaptionedImages(tsv, { size: 2 });
      viaEnvironment.images.dispose();

      await expect(loadCaptionedImages(tsv, { size: 2, maxFileBytes: 5 })).rejects.toThrow(SizeLimitError);
      process.env[maxCaptionFileBytesVariable] = '5';
      await expect(loadCaptionedImages(tsv, { size: 2 })).rejects.toThrow(SizeLimitError);
    });
  });
});
