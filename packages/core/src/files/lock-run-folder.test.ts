import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { RunFolderLockedError } from '../errors.js';
import { FileCheckpointStore } from '../checkpoint/file-checkpoint-store.js';
import { lockRunFolder, runFolderLockHolder, runFolderLockName } from './lock-run-folder.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A child process that takes the lock of `folder`, says 'locked', then waits until it is killed. */
async function childHoldingLock(folder: string, stale: number): Promise<ChildProcess> {
  const script = join(await mkdtemp(join(tmpdir(), 'ganforge-lock-child-')), 'hold.mts');
  await writeFile(
    script,
    `
    import { lockRunFolder } from ${JSON.stringify(new URL('./lock-run-folder.ts', import.meta.url).pathname)};
    await lockRunFolder(${JSON.stringify(folder)}, { stale: ${stale} });
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
    `,
  );
  // Run from the package folder so tsx maps '@ganforge/core' to its sources (tsconfig paths).
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: new URL('../..', import.meta.url).pathname,
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the child exited (${code}) before taking the lock`)));
  });
  return child;
}

async function lockError(folder: string, stale?: number): Promise<unknown> {
  try {
    const release = await lockRunFolder(folder, stale === undefined ? {} : { stale });
    await release();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('lockRunFolder', () => {
  it('refuses a second process and names the holder, until the holder releases', async () => {
    const folder = join(await mkdtemp(join(tmpdir(), 'ganforge-lock-')), 'run');
    const child = await childHoldingLock(folder, 60_000);

    const error = await lockError(folder);
    expect(error).toBeInstanceOf(RunFolderLockedError);
    expect((error as RunFolderLockedError).code).toBe('RUN_FOLDER_LOCKED');
    expect((error as RunFolderLockedError).holder).toContain(`pid ${child.pid} on `);
    expect((error as RunFolderLockedError).message).toContain(folder);
    expect(runFolderLockHolder(folder)).toContain(`pid ${child.pid}`);

    // SIGTERM: the child exits and its lock goes with it (proper-lockfile removes locks on exit).
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('close', resolve));
    expect(await readdir(folder)).toEqual([]); // lock folder and holder.json removed by the exit handler
    const release = await lockRunFolder(folder);
    expect(runFolderLockHolder(folder)).toContain(`pid ${process.pid}`);
    await release();
    expect(runFolderLockHolder(folder)).toBeUndefined();
  });

  it('refuses a second lock in the same process and frees the folder on release', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-lock-'));
    const release = await lockRunFolder(folder);
    const error = await lockError(folder);
    expect(error).toBeInstanceOf(RunFolderLockedError);
    expect((error as RunFolderLockedError).holder).toContain(`pid ${process.pid} on `);
    await release();
    await release(); // a second call does nothing
    const again = await lockRunFolder(folder);
    await again();
  });

  it('takes over at once a lock whose holder on this machine was SIGKILLed', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-lock-'));
    // A long stale time: only the dead-pid rule can free the lock within this test.
    const child = await childHoldingLock(folder, 3_600_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    expect(await readdir(folder)).toContain(runFolderLockName); // SIGKILL leaves the lock behind

    const release = await lockRunFolder(folder, { stale: 3_600_000 });
    expect(runFolderLockHolder(folder)).toContain(`pid ${process.pid}`);
    await release();
  });

  it('judges a holder pid only within the pid namespace that wrote it (containers sharing a host name)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-lock-'));
    const release = await lockRunFolder(folder, { stale: 3_600_000 });
    const holderPath = join(folder, runFolderLockName, 'holder.json');
    const holder = JSON.parse(await readFile(holderPath, 'utf8')) as Record<string, unknown>;
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!; // a process that has exited
    // The same dead pid, once as written in our namespace, once in another container's.
    await writeFile(holderPath, JSON.stringify({ ...holder, pid: deadPid, pidNamespace: 'pid:[1]' }));
    expect(await lockError(folder, 3_600_000)).toBeInstanceOf(RunFolderLockedError);
    await writeFile(holderPath, JSON.stringify({ ...holder, pid: deadPid }));
    expect(await lockError(folder, 3_600_000)).toBeUndefined(); // taken over: its holder is gone
    await release(); // ours was taken over: releasing it is a no-op
  });

  it('takes over a lock that was not refreshed within the stale time (holder on another machine)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-lock-'));
    const child = await childHoldingLock(folder, 2000);
    expect(runFolderLockHolder(folder)).toContain(`pid ${child.pid}`);
    // Freeze the holder (as a machine that lost the network would be): it stops refreshing the
    // lock, and its pid still runs, so only proper-lockfile's stale rule can free the lock.
    child.kill('SIGSTOP');
    let release: (() => Promise<void>) | undefined;
    for (let attempt = 0; attempt < 300 && !release; attempt++) {
      try {
        release = await lockRunFolder(folder, { stale: 2000 });
      } catch (error) {
        expect(error).toBeInstanceOf(RunFolderLockedError);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(release).toBeDefined();
    expect(runFolderLockHolder(folder)).toContain(`pid ${process.pid}`);
    await release!();
  });

  it('keeps the lock across its refreshes (holder.json does not read as a takeover)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-lock-'));
    const compromised: Error[] = [];
    // stale 2000 ms: proper-lockfile refreshes every 1000 ms and checks the folder's mtime is its own.
    const release = await lockRunFolder(folder, { stale: 2000, onCompromised: (error) => compromised.push(error) });
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(compromised).toEqual([]);
    expect(await lockError(folder, 2000)).toBeInstanceOf(RunFolderLockedError);
    await release();
  });

  it('does not remove, on release, a lock another process has taken over', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-lock-'));
    const release = await lockRunFolder(folder, { stale: 3_600_000, onCompromised: () => undefined });
    // As a takeover leaves it (after `stale` ms without a refresh): the lock folder with another
    // process's holder.json. A process that comes back from a long pause and releases must keep it.
    const holderPath = join(folder, runFolderLockName, 'holder.json');
    const other = {
      pid: 1,
      host: 'elsewhere',
      command: 'ganforge train dcgan',
      since: '2026-01-01T00:00:00.000Z',
      id: 'f00d',
    };
    await writeFile(holderPath, JSON.stringify(other));
    await release();
    expect(runFolderLockHolder(folder)).toContain('pid 1 on elsewhere');
  });

  it('leaves nothing that a checkpoint listing shows', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ganforge-lock-'));
    const release = await lockRunFolder(folder);
    expect(await new FileCheckpointStore(folder).list()).toEqual([]);
    await release();
    expect(await readdir(folder)).toEqual([]);
  });

  it('validates its arguments', async () => {
    await expect(lockRunFolder('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(lockRunFolder(tmpdir(), { stale: 10 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
