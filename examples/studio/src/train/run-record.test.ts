import { type Checkpoint, CheckpointError } from '@ganforge/core';
import { describe, expect, it } from 'vitest';

import { runFile, trainableRunRecord } from './run-record.js';

/** Only `metadata` is read; the rest of a checkpoint does not matter here. */
const withRun = (run: unknown) => ({ metadata: run === undefined ? {} : { run } }) as unknown as Checkpoint;
const dcgan = { dataset: 'mnist', size: 28, channels: 1, latentDim: 64, filters: 32, conditional: false };

describe('trainableRunRecord', () => {
  it("returns a 28x28 greyscale run's record", () => {
    expect(trainableRunRecord(withRun(dcgan), 'latest.gfckpt', ['latentDim', 'filters'])).toEqual(dcgan);
  });

  it.each([
    ['size', { ...dcgan, size: 64 }, 'metadata.run.size: expected 28, received 64'],
    ['channels', { ...dcgan, channels: 3 }, 'metadata.run.channels: expected 1, received 3'],
    ['conditional', { ...dcgan, conditional: true }, 'metadata.run.conditional: expected false'],
    [
      'a width',
      { ...dcgan, filters: 1e9 },
      'metadata.run.filters: expected an integer from 1 to 4096, received 1000000000',
    ],
  ])('refuses a run whose %s the panel cannot rebuild, naming the file and field', (_, run, message) => {
    const refuse = () => trainableRunRecord(withRun(run), 'latest.gfckpt', ['latentDim', 'filters']);
    expect(refuse).toThrow(CheckpointError);
    expect(refuse).toThrow(`latest.gfckpt: ${message}`);
    expect(refuse).toThrow('ganforge train ... --resume');
  });

  it('refuses a checkpoint without a run record', () => {
    expect(() => trainableRunRecord(withRun(undefined), 'level-0.gfckpt', [])).toThrow(
      'level-0.gfckpt: metadata.run: expected the settings of the run',
    );
  });
});

describe('runFile', () => {
  it('names the missing file and what the run holds', () => {
    const files = { 'latest.gfckpt': new Uint8Array(1) };
    expect(runFile(files, 'latest.gfckpt', 'x')).toBe(files['latest.gfckpt']);
    expect(() => runFile(files, 'level-0.gfckpt', 'one checkpoint per LAPGAN level')).toThrow(
      'The run has no level-0.gfckpt (it holds latest.gfckpt); expected one checkpoint per LAPGAN level.',
    );
  });
});
