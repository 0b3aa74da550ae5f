import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { homePaths } from '../config/paths';
import { BadInputError } from '../errors/lifeboat-error';
import { RestoreCheckpointFile, type RestoreCheckpoint } from '../restore/restore-checkpoint';
import type { RestoreReport } from '../restore/restore-report';
import { backupJobIds, backupJobSummary, readBackupRecord, type BackupJobRecord } from './backup-job-record';
import { isJobRunning } from './job-liveness';
import { recoveryJobSummary } from './recovery-job-summary';
import type { JobState, JobSummary } from './job-summary';

const REPORT_SUFFIX = '-report.json';
/** The ids the restore job gives (and only those: an id is part of a file name). */
const JOB_ID = /^[A-Za-z0-9._-]{1,100}$/;

async function readReport(file: string): Promise<RestoreReport | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as RestoreReport;
  } catch {
    return null;
  }
}

/**
 * The report belongs to the checkpoint's last run when it finished after the
 * checkpoint's last save (the job saves its checkpoint, then ends the report);
 * a newer checkpoint means a later run (a resume) that has not reported yet.
 */
function stateOf(running: boolean, checkpoint: RestoreCheckpoint | null, report: RestoreReport | null): JobState {
  if (running) return 'running';
  if (report && (!checkpoint || Date.parse(report.finishedAt) >= Date.parse(checkpoint.updatedAt))) return report.outcome;
  return 'interrupted';
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The summary of one job from its checkpoint, report and running marker. */
export async function jobSummary(home: string, jobId: string): Promise<JobSummary> {
  if (!JOB_ID.test(jobId)) throw new BadInputError(`"${jobId}" is not a job id`, 'job-not-found', 'List the jobs with `lifeboat jobs list`.');
  const recovery = await recoveryJobSummary(home, jobId);
  if (recovery) return recovery;
  const backup = await backupJobSummary(home, jobId);
  if (backup) return backup;
  const checkpointFile = RestoreCheckpointFile.path(home, jobId);
  let checkpoint: RestoreCheckpoint | null = null;
  let problem: string | null = null;
  try {
    checkpoint = (await RestoreCheckpointFile.load(home, jobId)).data;
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  const base = join(homePaths.jobs(home), `${jobId}-report`);
  const report = await readReport(`${base}.json`);
  if (!checkpoint && !report) {
    throw new BadInputError(`there is no job "${jobId}"`, 'job-not-found', 'List the jobs with `lifeboat jobs list`.');
  }
  const state = stateOf(await isJobRunning(home, jobId), checkpoint, report);
  const request = checkpoint?.request ?? {};
  const restoredVm = checkpoint?.vm?.name ?? report?.restoredVm?.name ?? null;
  const kind = text(request.kind) ?? report?.kind ?? null;
  return {
    id: jobId,
    kind: 'restore',
    restoreKind: kind === 'full-vm' || kind === 'disks' ? kind : null,
    state,
    vm: report?.vm ?? restoredVm ?? text(request.name),
    restoredVm,
    connection: text(request.connection),
    reason: text(request.reason) ?? report?.reason ?? null,
    pointId: report?.restorePoint.pointId ?? text(request.point),
    startedAt: checkpoint?.startedAt ?? report!.startedAt,
    finishedAt: state === 'succeeded' || state === 'failed' || state === 'cancelled' ? report!.finishedAt : null,
    reportFiles: report ? { json: `${base}.json`, html: `${base}.html` } : null,
    checkpointFile,
    resumable: checkpoint !== null && (state === 'failed' || state === 'cancelled' || state === 'interrupted'),
    problem,
  };
}

/** Every job in `<home>/jobs`, newest first. */
export async function listJobs(home: string): Promise<JobSummary[]> {
  let names: string[];
  let folders: string[];
  try {
    const entries = await readdir(homePaths.jobs(home), { withFileTypes: true });
    names = entries.filter((e) => !e.isDirectory()).map((e) => e.name);
    // A recovery job is a folder of its own.
    folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const ids = new Set(
    names
      .filter((n) => n.endsWith('.json'))
      .map((n) => (n.endsWith(REPORT_SUFFIX) ? n.slice(0, -REPORT_SUFFIX.length) : n.slice(0, -'.json'.length))),
  );
  // A file that is neither a readable checkpoint nor a readable report (half written, foreign) is not a job: the list shows the rest.
  const recoveries = folders.map((id) => recoveryJobSummary(home, id).catch(() => null));
  const backups = (await backupJobIds(home)).map((id) => backupJobSummary(home, id).catch(() => null));
  const jobs = (await Promise.all([...[...ids].map((id) => jobSummary(home, id).catch(() => null)), ...recoveries, ...backups])).filter(
    (j): j is JobSummary => j !== null,
  );
  return jobs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.id.localeCompare(b.id));
}

/** One job in full: its summary, the phases of its checkpoint and its last report. */
export interface JobDetail extends JobSummary {
  request: Record<string, unknown> | null;
  phases: RestoreCheckpoint['phases'];
  report: RestoreReport | null;
  /** A backup job's record: its request, plan, and result or error. */
  backup?: BackupJobRecord;
}

export async function showJob(home: string, jobId: string): Promise<JobDetail> {
  const summary = await jobSummary(home, jobId);
  if (summary.kind === 'recovery') return { ...summary, request: null, phases: [], report: null };
  if (summary.kind === 'backup') {
    const backup = await readBackupRecord(home, jobId);
    return { ...summary, request: backup?.request ?? null, phases: [], report: null, ...(backup ? { backup } : {}) };
  }
  const checkpoint = summary.problem ? null : (await RestoreCheckpointFile.load(home, jobId)).data;
  return {
    ...summary,
    request: checkpoint?.request ?? null,
    phases: checkpoint?.phases ?? [],
    report: summary.reportFiles ? await readReport(summary.reportFiles.json) : null,
  };
}
