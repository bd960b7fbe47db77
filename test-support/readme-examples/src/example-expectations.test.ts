import { describe, expect, it } from 'vitest';

import {
  callsWithoutProgress,
  capLines,
  formatOfBytes,
  formatOfName,
  namedOutputFiles,
  trainingCalls,
} from './example-expectations.js';

// Expected values are read off the hand-written snippets in each test.
describe('README example expectations', () => {
  const snippet = [
    "await trainer.fit(data, { batchSize: 8, steps: 5, onStep: (e) => console.log(e.step, ')') });",
    'await trainSrresnet(generator, data, { batchSize: 16, steps: 50 });',
    "await lapgan.fitLevel(0, lapgan.levelDataset(0, images), { steps: 2, onStep: log('a') });",
    "await saveImageGrid(images, 'samples.png');",
  ].join('\n');

  it('finds every training call with its whole argument list, parentheses inside strings included', () => {
    expect(trainingCalls(snippet).map((call) => call.name)).toEqual(['.fit', 'trainSrresnet', 'fitLevel']);
    expect(trainingCalls(snippet)[0]?.argumentsText).toBe(
      "data, { batchSize: 8, steps: 5, onStep: (e) => console.log(e.step, ')') }",
    );
  });

  it('names the training calls that report no progress', () => {
    expect(callsWithoutProgress(snippet).map((call) => call.name)).toEqual(['trainSrresnet']);
  });

  it('lists the image files an example names', () => {
    expect(namedOutputFiles(`${snippet}\nawait x('a/b.jpg'); await y("c.webp"); loadPhotos('photos/');`)).toEqual([
      'samples.png',
      'a/b.jpg',
      'c.webp',
    ]);
  });

  it('reads loop and backend from the GANFORGE_MAX_STEPS lines', () => {
    const output = [
      '[ganforge] backend: wasm (WebAssembly SIMD, 1 thread)',
      '[ganforge] GANFORGE_MAX_STEPS=2: AdversarialTrainer.fit runs 2 of its 500 steps (backend: cpu)',
      'step 1',
      '[ganforge] GANFORGE_MAX_STEPS=2: trainSrresnet runs all its 1 steps (backend: wasm)',
    ].join('\n');
    expect(capLines(output)).toEqual([
      { loop: 'AdversarialTrainer.fit', backend: 'cpu' },
      { loop: 'trainSrresnet', backend: 'wasm' },
    ]);
  });

  it('tells image formats by their signatures (PNG, JPEG/JFIF, RIFF WEBP)', () => {
    expect(formatOfBytes(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a))).toBe('png');
    expect(formatOfBytes(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(formatOfBytes(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(formatOfBytes(Uint8Array.of(1, 2, 3, 4))).toBe('unknown');
    expect(['a.png', 'b.JPG', 'c.jpeg', 'd.webp', 'e.gif'].map(formatOfName)).toEqual([
      'png',
      'jpeg',
      'jpeg',
      'webp',
      'unknown',
    ]);
  });
});
