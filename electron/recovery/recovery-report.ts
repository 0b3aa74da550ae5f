import type { RecoveryFinding, RecoveryProgress, RecoveryRunResult } from '../api/schemas/recovery-schema';
import { writeFileAtomic } from '../config/json-file';
import { recoveryJobPaths, type RecoveryCheckpoint } from './recovery-checkpoint';

/** The recovery report: per VM its result and timings, per group the time until its VMs were up, per host the streams. */
export interface RecoveryReport {
  jobId: string;
  name: string;
  source: string;
  sourceSha256: string;
  outcome: RecoveryProgress['state'];
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  /** Each run of the job (the first and every resume). */
  runs: RecoveryCheckpoint['runs'];
  vms: Array<{
    group: string;
    vm: string;
    vmName: string;
    host: string | null;
    result: RecoveryProgress['vms'][number]['state'];
    finishedEarlier: boolean;
    restoreJobId: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    durationSeconds: number | null;
    bytesWritten: number;
    bytesTotal: number;
    streams: number;
    poweredOn: boolean;
    error: RecoveryProgress['vms'][number]['error'];
  }>;
  /** Seconds from the recovery's start until every VM of the group was up (the recovery time the business cares about). */
  groups: Array<{ name: string; startedAt: string | null; upAt: string | null; secondsUntilUp: number | null }>;
  /** Per host: its cap, the peak streams and busy stream-seconds / (cap × wall seconds). */
  hosts: RecoveryRunResult['hostUtilisation'];
  limits: RecoveryCheckpoint['plan']['limits'];
  /** The plan's findings: across VMs, and each VM's own. */
  findings: RecoveryFinding[];
}

const seconds = (from: string | null, to: string | null) =>
  from && to ? Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10 : null;

export function buildRecoveryReport(
  cp: RecoveryCheckpoint,
  progress: RecoveryProgress,
  hosts: RecoveryRunResult['hostUtilisation'],
): RecoveryReport {
  const finishedAt = progress.finishedAt ?? new Date().toISOString();
  return {
    jobId: cp.jobId,
    name: cp.name,
    source: cp.source,
    sourceSha256: cp.sourceSha256,
    outcome: progress.state,
    startedAt: cp.startedAt,
    finishedAt,
    durationSeconds: seconds(cp.startedAt, finishedAt) ?? 0,
    runs: cp.runs,
    vms: cp.vms.map((v) => ({
      group: v.group,
      vm: v.vm,
      vmName: v.vmName,
      host: v.host,
      result: v.state,
      finishedEarlier: v.finishedEarlier === true,
      restoreJobId: v.restoreJobId,
      startedAt: v.startedAt,
      finishedAt: v.finishedAt,
      durationSeconds: seconds(v.startedAt, v.finishedAt),
      bytesWritten: v.bytesDone,
      bytesTotal: v.bytesTotal,
      streams: v.streams,
      poweredOn: v.poweredOn,
      error: v.error,
    })),
    groups: cp.groups.map((g) => ({
      name: g.name,
      startedAt: g.startedAt,
      upAt: g.upAt,
      secondsUntilUp: seconds(cp.startedAt, g.upAt),
    })),
    hosts,
    limits: cp.plan.limits,
    findings: [
      ...cp.plan.findings,
      ...cp.plan.groups.flatMap((g) =>
        g.vms.flatMap((v) => v.findings.map((f) => ({ ...f, vm: f.vm ?? v.vmName, group: f.group ?? g.name }))),
      ),
    ],
  };
}

function esc(text: unknown): string {
  return String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function table(headers: string[], rows: unknown[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const errorText = (e: RecoveryReport['vms'][number]['error']) =>
  e ? `${e.rule ? `${e.rule}: ` : ''}${e.message}${e.hint ? ` ${e.hint}` : ''}` : '';

/** A self-contained HTML page (no scripts, inline style only); every value is escaped. */
export function renderRecoveryReportHtml(r: RecoveryReport): string {
  const verdict =
    r.outcome === 'succeeded'
      ? 'Recovery succeeded'
      : r.outcome === 'cancelled'
        ? 'Recovery cancelled'
        : r.outcome === 'running'
          ? 'Recovery running'
          : 'Recovery failed';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(verdict)} — ${esc(r.name)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#0f172a}table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border:1px solid #cbd5e1;padding:.35rem .5rem;text-align:left;font-size:.9rem}th{background:#f1f5f9}.ok{color:#15803d}.bad{color:#b91c1c}</style></head><body>
<h1 class="${r.outcome === 'succeeded' ? 'ok' : 'bad'}">${esc(verdict)}</h1>
<p>Plan <strong>${esc(r.name)}</strong> (${esc(r.source)}, SHA-256 ${esc(r.sourceSha256)}). Job ${esc(r.jobId)}, ${esc(r.startedAt)} → ${esc(r.finishedAt)} (${esc(r.durationSeconds.toFixed(1))} s, ${esc(r.runs.length)} run(s)).</p>
<h2>Groups: time until up</h2>${table(
    ['Group', 'Started', 'Up at', 'Seconds from the recovery start'],
    r.groups.map((g) => [g.name, g.startedAt ?? '', g.upAt ?? 'not up', g.secondsUntilUp ?? '']),
  )}
<h2>VMs</h2>${table(
    [
      'Group',
      'VM',
      'Restored as',
      'Host',
      'Result',
      'Restore job',
      'Started',
      'Finished',
      'Seconds',
      'Bytes written',
      'Streams',
      'Powered on',
      'Error',
    ],
    r.vms.map((v) => [
      v.group,
      v.vm,
      v.vmName,
      v.host ?? '',
      v.finishedEarlier ? `${v.result} (earlier run)` : v.result,
      v.restoreJobId ?? '',
      v.startedAt ?? '',
      v.finishedAt ?? '',
      v.durationSeconds ?? '',
      v.bytesWritten,
      v.streams,
      v.poweredOn ? 'yes' : 'no',
      errorText(v.error),
    ]),
  )}
<h2>Hosts: streams</h2>${table(
    ['Host', 'Cap', 'Peak streams', 'Utilisation'],
    r.hosts.map((h) => [h.host, h.cap, h.peakStreams, `${(h.utilisation * 100).toFixed(1)} %`]),
  )}
<h2>Findings</h2>${
    r.findings.length
      ? table(
          ['Rule', 'Severity', 'Group', 'VM', 'Message', 'Remedy'],
          r.findings.map((f) => [f.rule, f.severity, f.group ?? '', f.vm ?? '', f.message, f.remedy]),
        )
      : '<p>None.</p>'
  }
</body></html>
`;
}

/** Saves the JSON and HTML report in the job's folder. */
export async function saveRecoveryReport(
  home: string,
  jobId: string,
  report: RecoveryReport,
): Promise<{ json: string; html: string }> {
  const files = recoveryJobPaths.report(home, jobId);
  await writeFileAtomic(files.json, JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic(files.html, renderRecoveryReportHtml(report));
  return files;
}
