import { spawn } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { tinyData, tinyDiscriminator, tinyGenerator } from '../test-support/tiny-models.js';
import { TensorDataset } from '../tensor-dataset.js';
import { AdversarialTrainer } from '../trainer/adversarial-trainer.js';
import { FileCheckpointStore } from './file-checkpoint-store.js';

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
  });
});
