import { CheckpointError } from '@ganforge/core';
import { describe, expect, it } from 'vitest';

import { demoRun } from './demo-run.js';
import { dcganRunSchema, lapganLevelSchema, parseCheckpointMetadata, srganRunSchema } from './run-metadata.js';

const parseRun = (run: unknown) =>
  parseCheckpointMetadata({ metadata: { run } }, 'run', dcganRunSchema, 'runs/x', '`ganforge train dcgan`');

describe('parseCheckpointMetadata', () => {
  it("accepts the CLI's own records, also from a version that did not record every training setting", () => {
    expect(parseRun(demoRun)).toEqual(demoRun);
    const { loss: _loss, learningRate: _rate, ...older } = demoRun;
    expect(parseRun(older)).toEqual(older);
  });

  it('refuses out-of-range and mistyped fields before anything is built, naming metadata.<field>', () => {
    // The values of the hostile checkpoints of issue 12 (huge sizes, negative channels).
    const cases: [Record<string, unknown>, string][] = [
      [{ size: 1e6 }, 'metadata.run.size: expected one of 28, 32, 64, received 1000000.'],
      [{ channels: -3 }, 'metadata.run.channels: expected one of 1, 3, received -3.'],
      [{ filters: 1e9 }, 'metadata.run.filters: expected an integer from 1 to 1024, received 1000000000.'],
      [{ latentDim: 2.5 }, 'metadata.run.latentDim: expected an integer from 1 to 4096, received 2.5.'],
      [{ latentDim: '8' }, 'metadata.run.latentDim: expected an integer from 1 to 4096, received "8".'],
      [{ batchSize: -1 }, 'metadata.run.batchSize: expected an integer from 1 to 65536, received -1.'],
      [{ learningRate: 0 }, 'metadata.run.learningRate: expected a positive number, received 0.'],
      [{ conditional: 'yes' }, 'metadata.run.conditional: expected true or false, received "yes".'],
    ];
    for (const [change, message] of cases) {
      const error = (() => {
        try {
          parseRun({ ...demoRun, ...change });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error).toMatchObject({ code: 'CHECKPOINT_HEADER', message: `runs/x: ${message}` });
    }
    expect(() => parseRun(null)).toThrow('runs/x: metadata.run: expected an object of settings, received null.');
    expect(() =>
      parseCheckpointMetadata({ metadata: {} }, 'run', dcganRunSchema, 'runs/x', '`ganforge train dcgan`'),
    ).toThrow(
      'runs/x: metadata.run: expected the settings of the run, received nothing: the checkpoint was not written by `ganforge train dcgan`.',
    );
  });

  it('range-checks LAPGAN level records and SRGAN records', () => {
    expect(() =>
      parseCheckpointMetadata(
        { metadata: { lapgan: { level: 0, levels: 99, imageShape: [28, 28, 1], classes: 0 } } },
        'lapgan',
        lapganLevelSchema,
        'r',
        'x',
      ),
    ).toThrow('r: metadata.lapgan.levels: expected an integer from 1 to 16, received 99.');
    expect(() =>
      parseCheckpointMetadata(
        { metadata: { run: { images: 'p', scale: '4', crop: 16, blocks: 1e9, filters: 4, discriminatorFilters: 4 } } },
        'run',
        srganRunSchema,
        'r',
        'x',
      ),
    ).toThrow('r: metadata.run.blocks: expected an integer from 0 to 256, received 1000000000.');
  });
});
