import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobHistoryRow, JobReportView } from '../api/schemas/job-history-schema';
import { homePaths } from '../config/paths';
import { BadInputError } from '../errors/lifeboat-error';
import type { RestoreReport } from '../restore/restore-report';

const REPORT_SUFFIX = '-report.json';

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    // A half-written or foreign file is not a job; the list shows the rest.
    return null;
  }
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function rowOfReport(jobId: string, r: Record<string, unknown>, dir: string): JobHistoryRow {
  const outcome = text(r.outcome);
  const restored = r.restoredVm as { name?: unknown } | null | undefined;
  return {
    jobId,
    kind: text(r.kind) ?? 'restore',
    vm: text(r.vm) ?? '?',
    restoredVm: text(restored?.name) ?? null,
    target: text(r.target) ?? '',
    outcome: outcome === 'succeeded' || outcome === 'cancelled' ? outcome : 'failed',
    startedAt: text(r.startedAt),
    finishedAt: text(r.finishedAt),
    durationSeconds: typeof r.durationSeconds === 'number' ? r.durationSeconds : null,
    reason: text(r.reason),
    reportPath: join(dir, `${jobId}-report.html`),
  };
}

function rowOfCheckpoint(jobId: string, c: Record<string, unknown>): JobHistoryRow {
  const request = (c.request ?? {}) as Record<string, unknown>;
  const vm = c.vm as { name?: unknown } | null | undefined;
  return {
    jobId,
    kind: text(request.kind) ?? 'restore',
    vm: text(request.point) ?? '?',
    restoredVm: text(vm?.name) ?? null,
    target: [text(request.connection), text(request.datastore)].filter(Boolean).join(', '),
    outcome: 'interrupted',
    startedAt: text(c.startedAt),
    finishedAt: null,
    durationSeconds: null,
    reason: text(request.reason),
    reportPath: null,
  };
}

/**
 * Every job on disk, newest first: a report makes a finished job; a checkpoint
 * without a report is an interrupted one (`lifeboat restore --resume <id>`).
 * Jobs run by the CLI are here too: they write the same files.
 */
export async function listJobHistory(home: string): Promise<JobHistoryRow[]> {
  const dir = homePaths.jobs(home);
  const names = await readdir(dir).catch(() => [] as string[]);
  const rows: JobHistoryRow[] = [];
  for (const name of names.filter((n) => n.endsWith(REPORT_SUFFIX))) {
    const report = await readJson(join(dir, name));
    if (report) rows.push(rowOfReport(name.slice(0, -REPORT_SUFFIX.length), report, dir));
  }
  const reported = new Set(rows.map((r) => r.jobId));
  for (const name of names.filter((n) => n.endsWith('.json') && !n.endsWith(REPORT_SUFFIX))) {
    const jobId = name.slice(0, -'.json'.length);
    if (reported.has(jobId)) continue;
    const checkpoint = await readJson(join(dir, name));
    if (checkpoint && typeof checkpoint.request === 'object') rows.push(rowOfCheckpoint(jobId, checkpoint));
  }
  return rows.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
}

/** One job's report for the in-app report view. */
export async function readJobReport(home: string, jobId: string): Promise<JobReportView> {
  const dir = homePaths.jobs(home);
  const r = (await readJson(join(dir, `${jobId}${REPORT_SUFFIX}`))) as unknown as RestoreReport | null;
  if (!r) throw new BadInputError(`there is no report for job ${jobId}`, 'report-not-found', 'The job may still be running, or its files were removed; see the Jobs page.');
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
    htmlPath: join(dir, `${jobId}-report.html`),
  };
}
