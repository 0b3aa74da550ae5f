import type { JobHistoryRow, JobReportView } from '../api/schemas/job-history-schema';
import { BadInputError } from '../errors/lifeboat-error';
import { listJobs, showJob } from '../jobs/job-list';
import { backupJobReport } from './backup-job-report';
import type { JobSummary } from '../jobs/job-summary';

function row(job: JobSummary): JobHistoryRow {
  const seconds = job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
  return {
    jobId: job.id,
    kind: job.restoreKind ?? job.kind,
    vm: job.vm ?? job.pointId ?? '?',
    restoredVm: job.restoredVm,
    target: job.connection ?? '',
    outcome: job.state,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    durationSeconds: seconds !== null && Number.isFinite(seconds) ? seconds : null,
    reason: job.reason,
    reportPath: job.reportFiles ? (job.reportFiles.html ?? job.reportFiles.json) : null,
    backupKind: job.backupKind ?? null,
    pointId: job.pointId,
    resumable: job.resumable,
  };
}

/**
 * Every job on disk, newest first, as the Jobs page lists it: the one job
 * list of `lifeboat jobs list` (electron/jobs), so jobs the CLI ran are here
 * too and a job's state reads the same in both.
 */
export async function listJobHistory(home: string): Promise<JobHistoryRow[]> {
  return (await listJobs(home)).map(row);
}

/** One job's last report for the in-app report view. */
export async function readJobReport(home: string, jobId: string): Promise<JobReportView> {
  const job = await showJob(home, jobId);
  if (job.kind === 'backup') {
    const view = backupJobReport(job);
    if (view) return view;
  }
  const r = job.report;
  if (!r || !job.reportFiles) {
    throw new BadInputError(`there is no report for job ${jobId}`, 'report-not-found', 'The job may still be running, or its files were removed; see the Jobs page.');
  }
  return {
    jobId,
    vm: r.vm,
    target: r.target,
    outcome: r.outcome,
    restoredVm: r.restoredVm?.name ?? null,
    reason: r.reason ?? null,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationSeconds: r.durationSeconds,
    steps: (r.steps ?? []).map((s) => ({ rule: s.rule, title: s.title, status: s.status, detail: s.detail })),
    disks: (r.disks ?? []).map((d) => ({ key: d.key, label: d.label, transportUsed: d.transportUsed, bytesWritten: d.bytesWritten, verified: d.verified })),
    findings: (r.findings ?? []).map((f) => ({ rule: f.rule, severity: f.severity, message: f.message })),
    errors: r.errors ?? [],
    htmlPath: job.reportFiles.html,
    jsonPath: job.reportFiles.json,
  };
}
