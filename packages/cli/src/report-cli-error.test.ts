import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readFileSync } from 'node:fs';

import { CheckpointError, InvalidArgumentError, KernelNotRegisteredError, SizeLimitError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { reportCliError } from './report-cli-error.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** tfjs's own error for a kernel the active backend lacks (a name no backend registers). */
function missingKernelError(): Error {
  try {
    tf.engine().runKernel('GanForgeNoSuchKernel', {}, {});
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected tfjs to throw');
}

describe('reportCliError', () => {
  it("turns tfjs's missing-kernel error, also as a cause, into one typed line naming the backend and kernel", async () => {
    await tf.setBackend('cpu');
    const raw = missingKernelError();
    expect(raw.message).toBe("Kernel 'GanForgeNoSuchKernel' not registered for backend 'cpu'");
    for (const error of [raw, new Error('training step 3 failed', { cause: raw })]) {
      const typed = KernelNotRegisteredError.from(error);
      expect(typed).toBeInstanceOf(KernelNotRegisteredError);
      expect(typed).toMatchObject({ code: 'KERNEL_NOT_REGISTERED', kernel: 'GanForgeNoSuchKernel', backend: 'cpu' });
      const report = reportCliError(error);
      expect(report?.exitCode).toBe(1);
      expect(report?.line.split('\n')).toHaveLength(1);
      expect(report?.line).toMatch(
        /^the 'cpu' backend has no 'GanForgeNoSuchKernel' kernel, .*--backend wasm.*https:\/\/github.com\/ganforge\/ganforge\/issues/,
      );
    }
  });

  it('keeps the message and exit status of GanForge errors, and leaves other errors (bugs) to their stack', () => {
    expect(reportCliError(new InvalidArgumentError('--steps', 'an integer >= 1', '0'))).toEqual({
      line: '--steps: expected an integer >= 1, received "0". [INVALID_ARGUMENT]',
      code: 'INVALID_ARGUMENT',
      exitCode: 2,
    });
    expect(reportCliError(new TypeError('x is undefined'))).toBeUndefined();
    expect(reportCliError('a string')).toBeUndefined();
  });

  it("turns Node's file system errors that escaped a command into one line naming the path and the reason", () => {
    // A real ENOENT from Node (not a hand-made object): reading a file that is not there.
    let enoent: unknown;
    try {
      readFileSync('/nonexistent-ganforge-file');
    } catch (error) {
      enoent = error;
    }
    expect(reportCliError(enoent)).toEqual({
      line: 'cannot open "/nonexistent-ganforge-file": it does not exist (ENOENT). [FILE_SYSTEM]',
      code: 'FILE_SYSTEM',
      exitCode: 1,
    });
    // Also as the cause of an untyped error; a typed error that wraps one keeps its own line.
    expect(reportCliError(new Error('saving failed', { cause: enoent }))?.code).toBe('FILE_SYSTEM');
    const typed = new CheckpointError('runs/x: could not read checkpoint', { cause: enoent });
    expect(reportCliError(typed)?.line).toBe('runs/x: could not read checkpoint [CHECKPOINT]');
  });

  it('names only the environment variable that raises a limit, with the value this input needs', () => {
    const error = new SizeLimitError(
      'bomb.png',
      100,
      250,
      'pixels',
      'options.maxPixels or GANFORGE_MAX_IMAGE_PIXELS=N',
    );
    expect(reportCliError(error)?.line).toBe(
      'bomb.png: expected at most 100 pixels, received 250 pixels. If you trust this input, raise the limit with ' +
        'the environment variable GANFORGE_MAX_IMAGE_PIXELS (e.g. GANFORGE_MAX_IMAGE_PIXELS=250 ganforge ...). [SIZE_LIMIT]',
    );
  });

  it('prints a message that spans lines as one line', () => {
    const report = reportCliError(new CheckpointError('first part\n  second part'));
    expect(report?.line).toBe('first part second part [CHECKPOINT]');
  });

  it('makes a real command that meets a missing kernel end with that one line and status 1, not a stack trace', () => {
    // The preload removes wasm's Tanh, which the word-GRU encoder needs in its first DS-SJE step: the
    // same kind of failure as wasm's missing UnsortedSegmentSum before @ganforge/backend-wasm had it.
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-missing-kernel-')), 'run');
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './src/test-fixtures/without-wasm-tanh.mjs',
        'src/bin.ts',
        ...[
          'train',
          'text2img',
          '--dataset',
          'shapes',
          '--limit',
          '16',
          '--encoder',
          'word-gru',
          '--encoder-steps',
          '1',
        ],
        ...['--steps', '1', '--size', '16', '--filters', '2', '--embedding-dim', '8', '--latent-dim', '4'],
        ...['--batch-size', '4', '--backend', 'wasm', '--out', out],
      ],
      { cwd: packageRoot, encoding: 'utf8', env: { ...process.env, GANFORGE_BACKEND: '' } },
    );
    const errors = result.stderr
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('[ganforge] backend:'));
    expect(errors).toEqual([
      "ganforge: the 'wasm' backend has no 'Tanh' kernel, which this model needs. Run again with " +
        '--backend cpu (or GANFORGE_BACKEND=cpu), which has every kernel but is slow, and please report it at ' +
        'https://github.com/ganforge/ganforge/issues with the command you ran. [KERNEL_NOT_REGISTERED]',
    ]);
    expect(result.status).toBe(1);
  });
});
