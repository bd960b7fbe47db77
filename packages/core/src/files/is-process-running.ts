/**
 * Whether a process with this pid runs on this machine (signal 0 probes without signalling). A
 * process of another user counts as running (EPERM). A recycled pid reads as running, which only
 * ever keeps a file that could have gone, never removes one in use.
 */
export function isProcessRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid < 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
