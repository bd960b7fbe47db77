import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';

import { type Checkpoint, CheckpointError, InvalidArgumentError } from '@ganforge/core';

import {
  assertOutFitsResume,
  checkpointForNewData,
  explicitFlags,
  refuseStartOnlyFlags,
  type ResumeRules,
  resumeRun,
} from './resume-settings.js';

interface Run {
  model: 'toy';
  learningRate: number;
  filters: number;
  batchSize: number;
  limit?: number;
}

const rules: ResumeRules<Run> = {
  model: null,
  learningRate: { flag: '--lr', change: 'apply' },
  filters: { flag: '--filters', change: 'refuse', reason: 'the checkpoint holds weights of this shape' },
  batchSize: { flag: '--batch-size', change: 'data' },
  limit: { flag: '--limit', change: 'data' },
};

// What a checkpoint records (JSON: the unset optional `limit` is absent) and what a resume asks for.
const recorded: Run = JSON.parse('{"model":"toy","learningRate":0.0002,"filters":4,"batchSize":8}') as Run;
const requested: Run = { model: 'toy', learningRate: 0.01, filters: 8, batchSize: 16, limit: 32 };

describe('resumeRun', () => {
  it('takes every recorded setting from the checkpoint when no flag is explicit (defaults never win)', () => {
    const resumed = resumeRun(recorded, requested, new Set(), rules);
    // `limit` is not recorded: it keeps the requested value (undefined on the command line, or the
    // default of a setting that a checkpoint from an older version lacks).
    expect(resumed.run).toEqual({ ...recorded, limit: 32 });
    expect(resumed.changes).toEqual([]);
    expect(resumed.dataChanged).toBe(false);
  });

  it('applies an explicit flag that can change, and says what it replaced', () => {
    const resumed = resumeRun(recorded, requested, new Set(['--lr']), rules);
    expect(resumed.run).toEqual({ ...recorded, learningRate: 0.01, limit: 32 });
    expect(resumed.changes).toEqual(["--lr 0.01 replaces the checkpoint's 0.0002"]);
    expect(resumed.dataChanged).toBe(false);
  });

  it('marks a change of the batches, including setting an option the checkpoint left unset', () => {
    const resumed = resumeRun(recorded, requested, new Set(['--batch-size', '--limit']), rules);
    expect(resumed.run).toEqual({ ...recorded, batchSize: 16, limit: 32 });
    expect(resumed.changes).toEqual([
      "--batch-size 16 replaces the checkpoint's 8",
      "--limit 32 replaces the checkpoint's none",
      'the batches change, so training starts a new pass over the data (no longer an exact continuation)',
    ]);
    expect(resumed.dataChanged).toBe(true);
  });

  it('refuses an explicit flag that conflicts with the checkpoint, naming flag, recorded and received value', () => {
    expect(() => resumeRun(recorded, requested, new Set(['--filters']), rules)).toThrow(InvalidArgumentError);
    expect(() => resumeRun(recorded, requested, new Set(['--filters']), rules)).toThrow(
      /^--filters: expected 4, the value the checkpoint was trained with \(the checkpoint holds weights of this shape\), received 8\. Leave the flag out/,
    );
  });

  it('accepts an explicit flag equal to the recorded value without a word', () => {
    const same = { ...requested, filters: 4, learningRate: 0.0002 };
    const resumed = resumeRun(recorded, same, new Set(['--filters', '--lr']), rules);
    expect(resumed.changes).toEqual([]);
    expect(resumed.run.filters).toBe(4);
  });

  it('answers a checkpoint without recorded settings with a CheckpointError', () => {
    expect(() => resumeRun(undefined as unknown as Run, requested, new Set(), rules)).toThrow(CheckpointError);
  });
});

describe('refuseStartOnlyFlags', () => {
  it('refuses a flag that only matters when a run starts', () => {
    const flags = { '--encoder-steps': 'the text encoder is already trained' };
    expect(() => refuseStartOnlyFlags(new Set(['--encoder-steps']), flags)).toThrow(
      /^--encoder-steps: expected no value when the run resumes \(the text encoder is already trained\), received --encoder-steps on a resumed run\. Leave the flag out/,
    );
    expect(() => refuseStartOnlyFlags(new Set(['--lr']), flags)).not.toThrow();
  });
});

describe('checkpointForNewData', () => {
  const checkpoint = { epoch: 2, batchInEpoch: 3 } as Checkpoint;

  it('starts the next pass when the batches changed, and leaves the position alone otherwise', () => {
    expect(checkpointForNewData(checkpoint, { dataChanged: true })).toMatchObject({ epoch: 3, batchInEpoch: 0 });
    expect(checkpointForNewData(checkpoint, { dataChanged: false })).toBe(checkpoint);
  });
});

describe('explicitFlags', () => {
  it("counts flags from the command line and the environment, not commander's defaults", async () => {
    const seen: ReadonlySet<string>[] = [];
    const command = new Command('toy')
      .exitOverride()
      .option('--lr <rate>', 'learning rate', Number, 2e-4)
      .option('--filters <n>', 'filters', Number, 64)
      .option('--resume', 'resume', false)
      .action((_options, self: Command) => {
        seen.push(explicitFlags(self));
      });
    await command.parseAsync(['--lr', '0.01', '--resume'], { from: 'user' });
    expect([...seen[0]!].sort()).toEqual(['--lr', '--resume']);
  });
});

describe('the rules of every train command', () => {
  it('name flags that the command has, and refuse the data set of another image shape', async () => {
    const { ganforgeProgram } = await import('./program.js');
    const { assertDatasetFitsModel, dcganResumeRules } = await import('./dcgan-run.js');
    const { lapganResumeRules } = await import('./commands/train-lapgan.js');
    const { textToImageResumeRules } = await import('./commands/train-text2img.js');
    const { srganResumeRules } = await import('./commands/srgan-training.js');
    const train = ganforgeProgram('0.0.0').commands.find((command) => command.name() === 'train')!;
    const tables = {
      dcgan: dcganResumeRules,
      lapgan: lapganResumeRules,
      text2img: textToImageResumeRules,
      srgan: srganResumeRules,
    };
    for (const [name, rules] of Object.entries(tables)) {
      const command = train.commands.find((sub) => sub.name() === name)!;
      const flags = new Set(command.options.map((option) => option.long));
      for (const rule of Object.values(rules)) if (rule) expect(flags, `${name} ${rule.flag}`).toContain(rule.flag);
    }
    expect(() => assertDatasetFitsModel({ dataset: 'mnist', size: 64, channels: 3 })).toThrow(
      /^--dataset: expected a data set of 64x64x3 images, the image shape of the checkpoint's models/,
    );
    expect(() => assertDatasetFitsModel({ dataset: 'photos/', size: 64, channels: 3 })).not.toThrow();
  });
});

// The fault: `train ... --out runs/typo --resume` started a new run from step 0 without a word.
describe('assertOutFitsResume', () => {
  it('refuses a run folder without --resume, and says so when --resume finds nothing to resume', () => {
    expect(() => assertOutFitsResume({}, false, 'runs/a', 'a checkpoint')).toThrow(
      /^--out: expected a folder without a checkpoint, or --resume to continue it, received "runs\/a"\.$/,
    );
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    try {
      assertOutFitsResume(undefined, true, 'runs/typo', 'a LAPGAN run');
      assertOutFitsResume({}, true, 'runs/a', 'a checkpoint');
      assertOutFitsResume(undefined, false, 'runs/new', 'a checkpoint');
      assertOutFitsResume(undefined, 'if-any', 'runs/demo', 'a checkpoint'); // the demo's own resume: silent
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual(['[ganforge] resume: runs/typo holds no LAPGAN run yet, so this is a new run.']);
  });
});
