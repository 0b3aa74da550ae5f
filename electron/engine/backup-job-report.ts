import type { JobReportView } from '../api/schemas/job-history-schema';
import type { BackupResult } from '../backup/backup-result';
import type { JobDetail } from '../jobs/job-list';

interface FailureRecord {
  message?: string;
  notes?: string[];
  findings?: Array<{ rule: string; severity: string; message: string }>;
}

/** A finished backup's record as the in-app report view shows it: what it made, per disk what it read and how. */
export function backupJobReport(job: JobDetail): JobReportView | null {
  const record = job.backup;
  if (!record || !job.reportFiles || !record.finishedAt) return null;
  const result = record.result as Partial<BackupResult> | undefined;
  const failure = record.error as FailureRecord | undefined;
  const seconds = (Date.parse(record.finishedAt) - Date.parse(job.startedAt)) / 1000;
  return {
    jobId: job.id,
    kind: 'backup',
    backupKind: result?.kind ?? job.backupKind ?? null,
    pointId: result?.pointId ?? null,
    bytesRead: result?.bytesRead ?? null,
    vm: job.vm ?? '?',
    target: job.connection ?? '',
    outcome: job.state,
    restoredVm: null,
    reason: null,
    startedAt: job.startedAt,
    finishedAt: record.finishedAt,
    durationSeconds: Number.isFinite(seconds) ? seconds : 0,
    steps: (result?.steps ?? []).map((s) => ({ rule: s.rule, title: s.description, status: 'done', detail: null })),
    disks: (result?.disks ?? []).map((d) => ({ key: d.key, label: d.label, transportUsed: d.transportMode, bytesWritten: d.bytesRead, verified: null })),
    findings: (result?.findings ?? failure?.findings ?? []).map((f) => ({ rule: f.rule, severity: f.severity, message: f.message })),
    errors: [...(failure?.message ? [failure.message] : []), ...(failure?.notes ?? [])],
    htmlPath: null,
    jsonPath: job.reportFiles.json,
  };
}
