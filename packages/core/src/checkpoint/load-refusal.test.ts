import { describe, expect, it } from 'vitest';

import { CheckpointError, InvalidFileError } from '../errors.js';
import { refusal } from './load-refusal.js';

// Expected messages written by hand: "<where>: expected <what>, received <what>. <hint>." with one
// period at the end, whether or not the hint was written with its own.
describe('refusal', () => {
  const hint = 'The topology does not match its weights: the file is damaged or was made to exhaust memory.';

  it('ends a file refusal with one period when the hint has its own (was "memory..")', () => {
    const error = refusal(
      { kind: 'file', path: 'm/model.json' },
      'CHECKPOINT_MISMATCH',
      'modelTopology',
      'a weight',
      'a request',
      hint,
    );
    expect(error).toBeInstanceOf(InvalidFileError);
    expect(error.message).toBe(
      'm/model.json: expected modelTopology to be a weight, received a request. The topology does not match its weights: the file is damaged or was made to exhaust memory.',
    );
    const bare = refusal(
      { kind: 'file', path: 'm/model.json' },
      'CHECKPOINT_MISMATCH',
      'modelTopology',
      'a weight',
      'a request',
      'Check it',
    );
    expect(bare.message).toBe('m/model.json: expected modelTopology to be a weight, received a request. Check it.');
  });

  it("ends a checkpoint refusal with one period, with or without the hint's own", () => {
    const withPeriod = refusal(
      { kind: 'checkpoint' },
      'CHECKPOINT_MISMATCH',
      'generator',
      'a weight',
      'a request',
      hint,
    );
    expect(withPeriod).toBeInstanceOf(CheckpointError);
    expect(withPeriod.message).toBe(
      'generator: expected a weight, received a request. The topology does not match its weights: the file is damaged or was made to exhaust memory.',
    );
    const without = refusal({ kind: 'checkpoint' }, 'CHECKPOINT_HEADER', 'step', 'a number', '"x"', 'Check it');
    expect(without.message).toBe('step: expected a number, received "x". Check it.');
  });
});
