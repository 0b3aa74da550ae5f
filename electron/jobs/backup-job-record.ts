import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { homePaths } from '../config/paths';
import { isJobRunning } from './job-liveness';
import type { JobState, JobSummary } from './job-summary';

/**
 * A backup job on disk: `<jobs>/backups/<id>.json`, written when the job
 * starts (request, plan, startedAt) and rewritten when it ends (with `result`
 * or `error`), plus the running marker while its process lives. The backup
 * service writes it; this file only reads it, loosely, so a record from an
 * older version still lists.
 */
export interface BackupJobRecord {
  kind: 'backup';
  jobId: string;
  startedAt?: string;
  finishedAt?: string;
  request?: { connection?: string; vm?: string; repo?: string; transport?: string; full?: boolean; quiesce?: boolean };
  plan?: { vm?: string; kind?: 'full' | 'incremental'; parentPointId?: string | null };
  result?: { pointId?: string; kind?: 'full' | 'incremental'; bytesRead?: number; durationMs?: number; vm?: { name?: string } };
  error?: { message?: string; code?: string; kind?: string; rule?: string | null; notes?: string[] };
}

export function backupJobsFolder(home: string): string {
  return join(homePaths.jobs(home), 'backups');
}

export function backupRecordPath(home: string, jobId: string): string {
  return join(backupJobsFolder(home), `${jobId}.json`);
}

/** The record of a backup job, or null when there is none (or it is not one). */
export async function readBackupRecord(home: string, jobId: string): Promise<BackupJobRecord | null> {
  try {
    const data = JSON.parse(await readFile(backupRecordPath(home, jobId), 'utf8')) as Partial<BackupJobRecord> | null;
    return data && typeof data === 'object' && data.kind === 'backup' ? ({ ...data, jobId } as BackupJobRecord) : null;
  } catch {
    return null;
  }
}

/** The ids of every backup record on disk. */
export async function backupJobIds(home: string): Promise<string[]> {
  try {
    return (await readdir(backupJobsFolder(home))).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** A record that ended says how; one that did not is running while its marker's process lives, else it was killed. */
function stateOf(record: BackupJobRecord, running: boolean): JobState {
  if (record.result) return 'succeeded';
  if (record.error) return record.error.kind === 'cancelled' || record.error.code === 'cancelled' ? 'cancelled' : 'failed';
  return running ? 'running' : 'interrupted';
}

/** A backup job as the job list shows it; null when the id is not a backup job. */
export async function backupJobSummary(home: string, jobId: string): Promise<JobSummary | null> {
  const record = await readBackupRecord(home, jobId);
  if (!record) return null;
  const state = stateOf(record, !record.result && !record.error && (await isJobRunning(home, jobId)));
  const file = backupRecordPath(home, jobId);
  const ended = state === 'succeeded' || state === 'failed' || state === 'cancelled';
  return {
    id: jobId,
    kind: 'backup',
    restoreKind: null,
    backupKind: record.result?.kind ?? record.plan?.kind ?? null,
    state,
    vm: record.result?.vm?.name ?? record.plan?.vm ?? record.request?.vm ?? null,
    restoredVm: null,
    connection: record.request?.connection ?? null,
    reason: null,
    pointId: record.result?.pointId ?? null,
    startedAt: record.startedAt ?? record.finishedAt ?? '',
    finishedAt: ended ? (record.finishedAt ?? null) : null,
    reportFiles: ended ? { json: file, html: null } : null,
    checkpointFile: file,
    // A backup is not resumed: the next one reads again (an incremental when the last point allows it).
    resumable: false,
    problem: null,
  };
}
