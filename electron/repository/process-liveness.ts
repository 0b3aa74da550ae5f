import { hostname } from 'node:os';

/**
 * Whether a process that marked something (a lock, a backup snapshot) with its
 * host and PID can still be running. Only a process on this host can be
 * checked; for another host the answer is "maybe", i.e. true.
 */
export function holderMayBeAlive(host: string, pid: number): boolean {
  if (host !== hostname()) return true;
  if (pid === process.pid) return true;
  try {
    // Signal 0 checks existence without delivering anything.
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it belongs to another user.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
