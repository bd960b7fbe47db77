import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

import { InvalidArgumentError, RunFolderLockedError } from '@ganforge/core';
import properLockfile from 'proper-lockfile';
import * as v from 'valibot';

import { isProcessRunning } from './is-process-running.js';

/**
 * The lock is a folder inside the run folder (dot-named, so checkpoint listings and image globs skip
 * it) holding `holder.json`, which says who holds it. mkdir is atomic on every file system, NFS
 * included, which is why proper-lockfile locks with a folder.
 */
export const runFolderLockName = '.ganforge.lock';
const holderFileName = 'holder.json';

/** Default {@link LockRunFolderOptions.stale}: 10 minutes, see there. */
export const defaultLockStaleMs = 10 * 60 * 1000;

export interface LockRunFolderOptions {
  /**
   * Milliseconds after the holder last refreshed the lock (it does so every `stale / 2`) before
   * another process may take the lock over. Default {@link defaultLockStaleMs} (10 minutes),
   * proper-lockfile's minimum is 2000. Training steps on tfjs's synchronous backends block the event
   * loop that refreshes the lock for up to minutes, so the default is long; a holder that died on the
   * same machine (its pid is gone) is taken over at once, so the default only delays recovery from a
   * crash on another machine sharing the folder.
   */
  readonly stale?: number;
  /**
   * Called when this process lost the lock after taking it (another process took it over after
   * `stale` ms without a refresh, or the lock folder was removed). Default: a process warning; pass
   * a handler that stops training to be strict.
   */
  readonly onCompromised?: (error: Error) => void;
}

const holderSchema = v.object({
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  host: v.string(),
  command: v.string(),
  since: v.string(),
  // Linux's pid namespace ('pid:[4026531836]'): containers sharing a host name (host networking)
  // each number their own processes, so a pid is only judged within the namespace that wrote it.
  pidNamespace: v.optional(v.string()),
  /** Random, per lock taken: tells this process's lock from one that took it over. */
  id: v.optional(v.string()),
});
type Holder = v.InferOutput<typeof holderSchema>;

/**
 * Locks a run folder so that one process at a time trains into it; two writers would interleave
 * checkpoints and the step would go backwards. Creates the folder if it is missing. The lock lives
 * in `<folder>/.ganforge.lock/` (proper-lockfile: atomic mkdir, refreshed every `stale / 2` ms) with
 * a `holder.json` naming the process (pid, host, command, since when).
 *
 * A lock whose holder is gone is taken over: at once when the holder ran on this machine and its
 * pid no longer runs (kill -9, power loss), otherwise after `stale` ms without a refresh.
 *
 * @returns the release function; it removes the lock folder and may be called more than once.
 * @throws RunFolderLockedError naming the holder when another live process holds the lock.
 * @throws InvalidArgumentError for an empty folder or a bad option.
 * @example
 * ```ts
 * import { lockRunFolder } from '@ganforge/core/node';
 * const release = await lockRunFolder('runs/mnist');
 * try {
 *   await trainer.fit(data, { batchSize: 64, steps: 1000, checkpoints: { store: new FileCheckpointStore('runs/mnist'), every: 100 } });
 * } finally {
 *   await release();
 * }
 * ```
 */
export async function lockRunFolder(folder: string, options: LockRunFolderOptions = {}): Promise<() => Promise<void>> {
  if (typeof folder !== 'string' || folder.length === 0) {
    throw new InvalidArgumentError('folder', 'a run folder path', folder);
  }
  const stale = options.stale ?? defaultLockStaleMs;
  if (typeof stale !== 'number' || !Number.isInteger(stale) || stale < 2000) {
    throw new InvalidArgumentError('options.stale', 'an integer number of milliseconds >= 2000', stale);
  }
  await mkdir(folder, { recursive: true });
  const lockPath = join(resolve(folder), runFolderLockName);
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    ...pidNamespace(),
    command: process.argv.join(' ').slice(0, 500),
    since: new Date().toISOString(),
    id: randomBytes(8).toString('hex'),
  };
  let release: () => Promise<void>;
  let released = false;
  try {
    release = await properLockfile.lock(folder, {
      lockfilePath: lockPath,
      stale,
      retries: 0,
      fs: lockFileSystem(lockPath, me, () => released),
      onCompromised: (error) => {
        if (released) return; // a takeover noticed after our release: nothing left to protect
        if (options.onCompromised) return options.onCompromised(error);
        process.emitWarning(
          `${folder}: this process lost its run-folder lock (${error.message}); another process may be writing checkpoints here.`,
          'RunFolderLockWarning',
        );
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new RunFolderLockedError(folder, describeHolder(readHolder(lockPath)));
    }
    throw error;
  }
  return async () => {
    if (released) return;
    released = true;
    try {
      await release();
    } catch (error) {
      // Already lost (compromised, or taken over): nothing of ours to remove.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ERELEASED' && code !== 'ENOTACQUIRED') throw error;
    }
  };
}

/** The process holding the lock of `folder`, in words, or undefined when it is not locked. */
export function runFolderLockHolder(folder: string): string | undefined {
  const lockPath = join(resolve(folder), runFolderLockName);
  if (!fs.existsSync(lockPath)) return undefined;
  return describeHolder(readHolder(lockPath));
}

function readHolder(lockPath: string): Holder | undefined {
  try {
    const text = fs.readFileSync(join(lockPath, holderFileName), 'utf8');
    const parsed = v.safeParse(holderSchema, JSON.parse(text));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined; // missing (the holder is starting) or written by something else
  }
}

function describeHolder(holder: Holder | undefined): string {
  if (!holder) return 'a process that has not recorded itself yet';
  return `pid ${holder.pid} on ${holder.host}, running ${JSON.stringify(holder.command)}, since ${holder.since}`;
}

/**
 * node:fs as proper-lockfile uses it, with three changes at the lock folder: mkdir writes
 * holder.json inside before proper-lockfile stamps the folder's mtime (a file created later would
 * change that mtime and read as a takeover), rmdir removes holder.json first, and stat reports a lock
 * whose holder ran on this host and is gone as stale (mtime 0), so it is taken over at once. Our
 * release and exit handler remove the lock folder only while its holder.json is still ours: a lock
 * another process took over (after `stale` ms without a refresh) is not ours to remove.
 */
function lockFileSystem(lockPath: string, me: Holder, releasing: () => boolean): typeof fs {
  const holderPath = join(lockPath, holderFileName);
  const isLock = (path: fs.PathLike) => resolve(String(path)) === lockPath;
  const wrapped: typeof fs = { ...fs };
  Object.assign(wrapped, {
    mkdir(path: fs.PathLike, callback: fs.NoParamCallback) {
      fs.mkdir(path, (error) => {
        if (error || !isLock(path)) return callback(error);
        fs.writeFile(holderPath, JSON.stringify(me), (writeError) => {
          if (!writeError) return callback(null);
          fs.rm(lockPath, { recursive: true, force: true }, () => callback(writeError));
        });
      });
    },
    rmdir(path: fs.PathLike, callback: fs.NoParamCallback) {
      if (!isLock(path)) return fs.rmdir(path, callback);
      // Releasing: only our own lock. Otherwise proper-lockfile removes a stale lock to take it over.
      if (releasing() && readHolder(lockPath)?.id !== me.id) return callback(null);
      fs.rm(holderPath, { force: true }, () => fs.rmdir(path, callback));
    },
    rmdirSync(path: fs.PathLike) {
      // Only proper-lockfile's exit handler calls this, for a lock it believes ours.
      if (!isLock(path)) return fs.rmdirSync(path);
      if (readHolder(lockPath)?.id !== me.id) return;
      fs.rmSync(holderPath, { force: true });
      fs.rmdirSync(path);
    },
    stat(path: fs.PathLike, callback: (error: NodeJS.ErrnoException | null, stats: fs.Stats) => void) {
      fs.stat(path, (error, stats) => {
        if (error || !isLock(path)) return callback(error, stats);
        const holder = readHolder(lockPath);
        const here = holder && holder.host === me.host && holder.pidNamespace === me.pidNamespace;
        if (here && holder.pid !== process.pid && !isProcessRunning(holder.pid)) {
          stats.mtime = new Date(0);
        }
        callback(null, stats);
      });
    },
  });
  return wrapped;
}

function pidNamespace(): { pidNamespace?: string } {
  try {
    return { pidNamespace: fs.readlinkSync('/proc/self/ns/pid') };
  } catch {
    return {}; // not Linux: the host name alone identifies the machine
  }
}
