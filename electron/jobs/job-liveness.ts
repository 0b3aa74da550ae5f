import { readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/json-file';
import { homePaths } from '../config/paths';

/**
 * A job that is running says so with `<jobs>/<id>.running` (process id and
 * host), removed when it ends. A marker whose process is gone is a job that
 * was killed: the job list shows it as interrupted, never as running.
 */
export function runningMarkerPath(home: string, jobId: string): string {
  return join(homePaths.jobs(home), `${jobId}.running`);
}

/** Marks the job as running in this process; the returned function removes the mark. */
export async function markJobRunning(home: string, jobId: string): Promise<() => Promise<void>> {
  const file = runningMarkerPath(home, jobId);
  await writeFileAtomic(file, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }) + '\n');
  return () => rm(file, { force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the job's marker names a live process (on another host it cannot be checked, so it counts as running). */
export async function isJobRunning(home: string, jobId: string): Promise<boolean> {
  let marker: { pid?: unknown; host?: unknown };
  try {
    marker = JSON.parse(await readFile(runningMarkerPath(home, jobId), 'utf8')) as typeof marker;
  } catch {
    return false;
  }
  if (typeof marker.pid !== 'number') return false;
  if (marker.host !== hostname()) return true;
  return processAlive(marker.pid);
}
