import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { makeFifo } from '../../../../test-support/special-files.js';
import { CheckpointError, SizeLimitError, UnsafePathError } from '../errors.js';

import { tinyData, tinyDiscriminator, tinyGenerator } from '../test-support/tiny-models.js';
import { TensorDataset } from '../tensor-dataset.js';
import { AdversarialTrainer } from '../trainer/adversarial-trainer.js';
import { defaultCheckpointLimits } from './checkpoint-limits.js';
import { FileCheckpointStore, maxCheckpointBytesVariable } from './file-checkpoint-store.js';

async function checkpointAtStep(steps: number) {
  const trainer = new AdversarialTrainer({
    generator: tinyGenerator({ noiseDim: 3 }),
    discriminator: tinyDiscriminator(),
    noise: { dim: 3 },
  });
  await trainer.fit(new TensorDataset({ real: tinyData(16) }), { batchSize: 8, steps });
  return trainer.checkpoint();
}

describe('FileCheckpointStore', () => {
  it('saves, lists and loads checkpoints', async () => {
    const store = new FileCheckpointStore(join(await mkdtemp(join(tmpdir(), 'ganforge-ckpt-')), 'nested'));
    expect(await store.list()).toEqual([]);
    expect(await store.load('latest')).toBeUndefined();
    await store.save('latest', await checkpointAtStep(2));
    await store.save('step-1', await checkpointAtStep(1));
    expect(await store.list()).toEqual(['latest', 'step-1']);
    expect((await store.load('latest'))?.step).toBe(2);
    await store.save('latest', await checkpointAtStep(3));
    expect((await store.load('latest'))?.step).toBe(3);
  });

  it('rejects names that are not plain file names', async () => {
    const store = new FileCheckpointStore(tmpdir());
    await expect(store.save('../escape', await checkpointAtStep(1))).rejects.toThrow(
      /name: expected a checkpoint name/,
    );
  });

  it('keeps the previous checkpoint when the process dies in the middle of a save', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ganforge-crash-'));
    const store = new FileCheckpointStore(directory);
    await store.save('latest', await checkpointAtStep(2));

    // A child process writes a newer checkpoint but hangs in fsync (as a machine that loses power
    // would never return from it) and is killed there with SIGKILL.
    const script = join(directory, 'crash.mts');
    await writeFile(
      script,
      `
      import { open } from 'node:fs/promises';
      import { FileCheckpointStore } from ${JSON.stringify(new URL('./file-checkpoint-store.ts', import.meta.url).pathname)};
      import { decodeCheckpoint } from ${JSON.stringify(new URL('./checkpoint-codec.ts', import.meta.url).pathname)};
      const handle = await open(${JSON.stringify(join(directory, 'latest.gfckpt'))}, 'r');
      const prototype = Object.getPrototypeOf(handle);
      const bytes = await handle.readFile();
      await handle.close();
      prototype.sync = () => { process.stdout.write('in-fsync\\n'); return new Promise(() => {}); };
      const checkpoint = { ...decodeCheckpoint(new Uint8Array(bytes)), step: 99 };
      await new FileCheckpointStore(${JSON.stringify(directory)}).save('latest', checkpoint);
      `,
    );
    // Run from the package folder so tsx maps '@ganforge/core' to its sources (tsconfig paths).
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: new URL('../..', import.meta.url).pathname,
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('in-fsync')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`the child exited (${code}) before reaching fsync`)));
    });
    await new Promise((resolve) => child.on('close', resolve));

    const files = await readdir(directory);
    expect(files.some((file) => file.endsWith('.tmp'))).toBe(true); // the interrupted write
    expect((await store.load('latest'))?.step).toBe(2); // the previous checkpoint, intact
    expect(await store.list()).toEqual(['latest']);

    // The next save of that name removes the debris of the interrupted one.
    await store.save('latest', await checkpointAtStep(3));
    expect((await readdir(directory)).filter((file) => file.endsWith('.tmp'))).toEqual([]);
    expect((await store.load('latest'))?.step).toBe(3);
  });

  it('removes the temporaries the store wrote before writeFileAtomically (.<name>.<12 hex>.tmp) on the next save', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ganforge-legacy-'));
    // Names as GANForge 0.x's FileCheckpointStore made them: `.${name}.${randomBytes(6).toString('hex')}.tmp`.
    await writeFile(join(directory, '.latest.0123456789ab.tmp'), 'interrupted');
    await writeFile(join(directory, '.latest.ffffffffffff.tmp'), 'interrupted');
    await writeFile(join(directory, '.step-1.0123456789ab.tmp'), 'another name: kept until step-1 is saved');
    await writeFile(join(directory, 'notes.tmp'), 'not ours');
    await new FileCheckpointStore(directory).save('latest', await checkpointAtStep(1));
    expect((await readdir(directory)).sort()).toEqual(['.step-1.0123456789ab.tmp', 'latest.gfckpt', 'notes.tmp']);
  });

  it('lists only checkpoint files with valid names', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ganforge-list-'));
    const store = new FileCheckpointStore(directory);
    await store.save('latest', await checkpointAtStep(1));
    await writeFile(join(directory, 'has space.gfckpt'), 'x');
    await writeFile(join(directory, '.hidden.gfckpt'), 'x');
    await mkdir(join(directory, '.ganforge.lock'));
    expect(await store.list()).toEqual(['latest']);
  });
});

describe('FileCheckpointStore.load refuses hostile files before reading them', () => {
  const saved = process.env[maxCheckpointBytesVariable];
  afterEach(() => {
    if (saved === undefined) delete process.env[maxCheckpointBytesVariable];
    else process.env[maxCheckpointBytesVariable] = saved;
  });

  async function folderWith(make: (directory: string, target: string) => Promise<void>): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), 'ganforge-hostile-'));
    await make(directory, join(directory, 'latest.gfckpt'));
    return directory;
  }

  // Each row: a run folder whose latest.gfckpt is hostile, and the error class and code expected.
  const table: {
    name: string;
    make: (directory: string, target: string) => Promise<void>;
    error: unknown;
    code: string;
  }[] = [
    {
      // Opening a FIFO for reading blocks until a writer comes: `ganforge sample` hung on this.
      name: 'a FIFO',
      make: async (_, target) => void makeFifo(target),
      error: UnsafePathError,
      code: 'UNSAFE_PATH',
    },
    { name: 'a folder', make: (_, target) => mkdir(target), error: UnsafePathError, code: 'UNSAFE_PATH' },
    {
      name: 'a symbolic link to a file outside the folder',
      make: async (directory, target) => {
        const outside = join(directory, '..', `outside-${Date.now()}.gfckpt`);
        await writeFile(outside, 'secret');
        await symlink(outside, target);
      },
      error: UnsafePathError,
      code: 'UNSAFE_PATH',
    },
    {
      name: 'a symbolic link to a device',
      make: (_, target) => symlink('/dev/zero', target),
      error: UnsafePathError,
      code: 'UNSAFE_PATH',
    },
    {
      // Sparse: 3 GiB claimed, no disk used; more than the 2 GiB default.
      name: 'a file larger than the default limit',
      make: async (_, target) => {
        const handle = await open(target, 'w');
        await handle.truncate(3 * 1024 ** 3);
        await handle.close();
      },
      error: SizeLimitError,
      code: 'SIZE_LIMIT',
    },
    {
      name: 'bytes that are not a checkpoint',
      make: (_, target) => writeFile(target, 'not a checkpoint at all'),
      error: CheckpointError,
      code: 'CHECKPOINT',
    },
  ];

  for (const row of table) {
    it(`refuses ${row.name}`, async () => {
      const store = new FileCheckpointStore(await folderWith(row.make));
      const error = await store.load('latest').then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(row.error);
      expect(error).toMatchObject({ code: expect.stringContaining(row.code) });
    });
  }

  it('names the option and the environment variable that raise the size limit', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ganforge-limit-'));
    await new FileCheckpointStore(directory).save('latest', await checkpointAtStep(1));
    const size = (await readFile(join(directory, 'latest.gfckpt'))).length;

    const small = new FileCheckpointStore(directory, { maxBytes: size - 1 });
    await expect(small.load('latest')).rejects.toThrow(SizeLimitError);
    await expect(small.load('latest')).rejects.toThrow(/maxBytes.*GANFORGE_MAX_CHECKPOINT_BYTES/);
    expect((await new FileCheckpointStore(directory, { maxBytes: size }).load('latest'))?.step).toBe(1);

    process.env[maxCheckpointBytesVariable] = String(size - 1);
    expect(new FileCheckpointStore(directory).maxBytes).toBe(size - 1);
    await expect(new FileCheckpointStore(directory).load('latest')).rejects.toThrow(SizeLimitError);
    process.env[maxCheckpointBytesVariable] = 'lots';
    expect(() => new FileCheckpointStore(directory)).toThrow(
      /GANFORGE_MAX_CHECKPOINT_BYTES: expected a positive integer/,
    );
    delete process.env[maxCheckpointBytesVariable];
    expect(new FileCheckpointStore(directory).maxBytes).toBe(defaultCheckpointLimits.maxFileBytes);
    expect(() => new FileCheckpointStore(directory, { maxBytes: 0 })).toThrow(/options.maxBytes/);
  });

  it('follows a symbolic link that stays inside the folder; a dangling one reads as no checkpoint', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ganforge-link-'));
    const store = new FileCheckpointStore(directory);
    await store.save('step-2', await checkpointAtStep(2));
    await symlink('step-2.gfckpt', join(directory, 'latest.gfckpt'));
    expect((await store.load('latest'))?.step).toBe(2);
    await symlink('missing.gfckpt', join(directory, 'other.gfckpt'));
    expect(await store.load('other')).toBeUndefined();
  });
});
