import type { Finding, Plan } from '../planner/plan-types';
import type { RestoreOutcome } from './restore-job';
import type { VddkCallSummary } from '../vddk/vddk-call-stats';

/** The restore report: every finding and step with its rule ID, bytes, speed and verification. */
export interface RestoreReport {
  jobId: string;
  kind: 'full-vm' | 'disks';
  vm: string;
  target: string;
  restorePoint: { repository: string; pointId: string; createdAt: string | null };
  outcome: 'succeeded' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  restoredVm: { moref: string; name: string } | null;
  /** Why the restore was done, as the user gave it (audit trail). */
  reason: string | null;
  findings: Finding[];
  steps: Array<{ rule: string; phase: string; title: string; status: string; detail: string | null; durationSeconds: number | null }>;
  disks: Array<{
    key: number;
    label: string;
    /** Where the disk went: the datastore of the restored disk (a disks restore: the plan's target datastore). */
    datastore: string | null;
    transport: string | null;
    transportUsed: string | null;
    bytesWritten: number;
    bytesZeroSkipped: number;
    bytesResumed: number;
    megabytesPerSecond: number | null;
    verified: boolean | null;
    sha256: string | null;
    signature: string | null;
  }>;
  errors: string[];
  warnings: string[];
  /** Every VDDK call of the job by function: calls, errors, total milliseconds (nbdkit-style stats). */
  vddkCalls: VddkCallSummary;
}

const seconds = (from: string | null, to: string | null) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : null);

export function buildRestoreReport(args: {
  jobId: string;
  kind: 'full-vm' | 'disks';
  target: string;
  repository: string;
  pointId: string;
  pointCreatedAt: string | null;
  plan: Plan;
  outcome: RestoreOutcome;
  reason?: string;
  vddkCalls?: VddkCallSummary;
}): RestoreReport {
  const { outcome } = args;
  return {
    jobId: args.jobId,
    kind: args.kind,
    vm: args.plan.vm,
    target: args.target,
    restorePoint: { repository: args.repository, pointId: args.pointId, createdAt: args.pointCreatedAt },
    outcome: outcome.ok ? 'succeeded' : outcome.cancelled ? 'cancelled' : 'failed',
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    durationSeconds: seconds(outcome.startedAt, outcome.finishedAt) ?? 0,
    restoredVm: outcome.vm,
    reason: args.reason ?? null,
    findings: args.plan.findings,
    steps: outcome.phases.map((p) => ({
      rule: p.rule,
      phase: p.phase,
      title: p.title,
      status: p.status === 'pending' ? 'not reached' : p.status,
      detail: p.detail,
      durationSeconds: seconds(p.startedAt, p.finishedAt),
    })),
    disks: outcome.disks.map((d) => {
      const ms = d.copy?.durationMs ?? 0;
      return {
        key: d.key,
        label: d.label,
        datastore: args.plan.disks.find((p) => p.key === d.key)?.datastore ?? null,
        transport: d.transport,
        transportUsed: d.transportUsed,
        bytesWritten: d.copy?.bytesWritten ?? 0,
        bytesZeroSkipped: d.copy?.bytesZero ?? 0,
        bytesResumed: d.copy?.bytesResumed ?? 0,
        megabytesPerSecond: d.copy && ms > 0 ? Math.round(((d.copy.bytesWritten + d.copy.bytesZero) / 1e6 / (ms / 1000)) * 10) / 10 : null,
        verified: d.verify ? d.verify.ok : null,
        sha256: d.verify?.targetSha256 ?? null,
        signature: d.signature,
      };
    }),
    errors: outcome.errors,
    warnings: outcome.warnings,
    vddkCalls: args.vddkCalls ?? {},
  };
}

function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function table(headers: string[], rows: unknown[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A self-contained HTML page (no scripts, inline style only) for people and ticket attachments. */
export function renderReportHtml(r: RestoreReport): string {
  const verdict = r.outcome === 'succeeded' ? 'Restore succeeded' : r.outcome === 'cancelled' ? 'Restore cancelled' : 'Restore failed';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(verdict)} — ${esc(r.vm)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#0f172a}h1{margin-bottom:.2rem}table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border:1px solid #cbd5e1;padding:.35rem .5rem;text-align:left;font-size:.9rem}th{background:#f1f5f9}.ok{color:#15803d}.bad{color:#b91c1c}</style></head><body>
<h1 class="${r.outcome === 'succeeded' ? 'ok' : 'bad'}">${esc(verdict)}</h1>
<p>VM <strong>${esc(r.vm)}</strong> from restore point ${esc(r.restorePoint.pointId)} (${esc(r.restorePoint.repository)}) to ${esc(r.target)}.
Job ${esc(r.jobId)}, ${esc(r.startedAt)} → ${esc(r.finishedAt)} (${esc(r.durationSeconds.toFixed(1))} s).
${r.restoredVm ? `Restored VM: ${esc(r.restoredVm.name)} (${esc(r.restoredVm.moref)}).` : ''}${r.reason ? ` Reason: ${esc(r.reason)}.` : ''}</p>
${r.errors.length ? `<h2 class="bad">Errors</h2><ul>${r.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
${r.warnings.length ? `<h2>Warnings</h2><ul>${r.warnings.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
<h2>Findings</h2>${r.findings.length ? table(['Rule', 'Severity', 'Disk', 'Message', 'Remedy'], r.findings.map((f) => [f.rule, f.severity, f.disk ?? '', f.message, f.remedy])) : '<p>None.</p>'}
<h2>Steps</h2>${table(['Rule', 'Step', 'Status', 'Detail', 'Seconds'], r.steps.map((s) => [s.rule, s.title, s.status, s.detail ?? '', s.durationSeconds?.toFixed(1) ?? '']))}
<h2>Disks</h2>${table(
    ['Disk', 'Datastore', 'Transport', 'Written bytes', 'Zero bytes skipped', 'Resumed bytes', 'MB/s', 'Verified', 'Digest', 'Signature'],
    r.disks.map((d) => [
      `${d.label} (${d.key})`,
      d.datastore ?? '',
      d.transportUsed ?? d.transport ?? 'none',
      d.bytesWritten,
      d.bytesZeroSkipped,
      d.bytesResumed,
      d.megabytesPerSecond ?? '',
      d.verified === null ? 'not checked' : d.verified ? 'identical' : 'DIFFERENT',
      d.sha256 ?? '',
      d.signature ?? '',
    ]),
  )}
<h2>VDDK calls</h2>${
    Object.keys(r.vddkCalls).length
      ? table(['Function', 'Calls', 'Errors', 'Total ms'], Object.entries(r.vddkCalls).map(([fn, c]) => [fn, c.calls, c.errors, c.totalMs]))
      : '<p>None.</p>'
  }
</body></html>
`;
}
