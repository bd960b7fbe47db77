import { CheckpointError } from '@ganforge/core';
import { describe, expect, it } from 'vitest';

import { demoRun } from './demo-run.js';
import {
  assertWidthsWithinWeights,
  dcganRunSchema,
  lapganLevelSchema,
  parseCheckpointMetadata,
  srganRunSchema,
} from './run-metadata.js';

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

describe('assertWidthsWithinWeights', () => {
  // Weight specs as a LAPGAN finer level with 32 filters has them (3x3 convolutions, 4 -> 32 -> 1 channels).
  const model = (shapes: number[][]) => ({
    topology: {},
    weightData: new ArrayBuffer(0),
    weightSpecs: shapes.map((shape, index) => ({ name: `w${index}`, shape, dtype: 'float32' as const })),
  });
  const checkpoint = {
    generator: model([[3, 3, 4, 32], [32], [3, 3, 32, 1]]),
    discriminator: model([[3, 3, 5, 16], [16]]),
  };

  it('accepts widths that appear in the weights and refuses one wider than any of them, before anything is built', () => {
    expect(() => assertWidthsWithinWeights(checkpoint, { filters: 32 }, ['filters'], 'r')).not.toThrow();
    expect(() => assertWidthsWithinWeights(checkpoint, { filters: 4096 }, ['filters'], 'r')).toThrow(
      "r: metadata.run.filters: expected at most 32, the widest dimension of the checkpoint's weights, received 4096.",
    );
  });
});
