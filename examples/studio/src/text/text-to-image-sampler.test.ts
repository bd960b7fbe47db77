import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeCheckpoint, encodeCheckpoint } from '@ganforge/core';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { TextToImageSampler } from './text-to-image-sampler.js';

// The sampler's own refusals and facts, on a tiny run written by the built CLI (the browser test
// compares its pictures with the CLI's).
const repository = new URL('../../../../', import.meta.url).pathname;
let folder: string;
let files: Record<string, Uint8Array>;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'ganforge-studio-sampler-'));
  execFileSync(
    process.execPath,
    [
      join(repository, 'packages/cli/dist/bin.js'),
      ...['train', 'text2img', '--dataset', 'shapes', '--out', folder, '--steps', '2', '--encoder-steps', '2'],
      ...['--size', '16', '--filters', '4', '--limit', '32', '--threads', '1', '--backend', 'wasm'],
    ],
    { stdio: 'pipe' },
  );
  // Plain Uint8Arrays that own their buffer, as the page's IndexedDB hands them over.
  const read = (name: string) => new Uint8Array(readFileSync(join(folder, name)));
  files = { 'latest.gfckpt': read('latest.gfckpt'), 'text-encoder.json': read('text-encoder.json') };
}, 120_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

it('loads a run and says what it is; names words the shapes captions never use', async () => {
  const sampler = await TextToImageSampler.fromRunFiles(files);
  try {
    expect(sampler.info).toMatchObject({ step: 2, size: 16, embeddingDim: 128, latentDim: 100, dataset: 'shapes' });
    expect(sampler.info.encoderKind).toBe('char-cnn-rnn');
    expect(sampler.unknownWords('a large zebra in the center, a zebra')).toEqual({
      words: ['zebra'],
      notIn: 'training captions',
    });
    const pictures = await sampler.generate(['a large red circle in the center on a black background'], 3, 1);
    expect(pictures.map((picture) => picture.length)).toEqual([16 * 16 * 4, 16 * 16 * 4, 16 * 16 * 4]);
    expect(pictures.every((picture) => picture.every((value, index) => index % 4 !== 3 || value === 255))).toBe(true);
  } finally {
    sampler.dispose();
  }
});

it('refuses a run without text-encoder.json, naming the file and what it received', async () => {
  await expect(TextToImageSampler.fromRunFiles({ 'latest.gfckpt': files['latest.gfckpt']! })).rejects.toThrow(
    /^text-encoder\.json: expected the run folder .*, received a run without it \(files: latest\.gfckpt\)\.$/,
  );
});

it('refuses a checkpoint of another model', async () => {
  const checkpoint = decodeCheckpoint(files['latest.gfckpt']!);
  const dcgan = encodeCheckpoint({
    ...checkpoint,
    metadata: { ...checkpoint.metadata, run: { ...(checkpoint.metadata['run'] as object), model: 'dcgan' } },
  });
  await expect(TextToImageSampler.fromRunFiles({ ...files, 'latest.gfckpt': dcgan })).rejects.toThrow(
    "latest.gfckpt: expected a checkpoint written by `ganforge train text2img`, received a 'dcgan' checkpoint.",
  );
});

it('names the checkpoint file when its bytes are not a checkpoint', async () => {
  await expect(
    TextToImageSampler.fromRunFiles({ ...files, 'latest.gfckpt': new TextEncoder().encode('not a checkpoint') }),
  ).rejects.toThrow(/^latest\.gfckpt: /);
});
