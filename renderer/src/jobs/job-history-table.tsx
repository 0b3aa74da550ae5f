import { useEffect, useState, type ReactElement } from 'react';
import type { JobHistoryRow } from '../../../electron/api/contract';
import { localTime } from '../app/local-time';
import { api } from '../bridge/api-access';
import type { LoadState } from '../stores/load-state';
import { ReportView } from './report-view';

const OUTCOMES = ['all', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
const KINDS = ['all', 'restore', 'recovery', 'backup'] as const;

/** A row's kind in words: restores are full-vm or disks, backups full or incremental. */
function kindWords(r: JobHistoryRow): string {
  if (r.kind === 'backup') return r.backupKind ? `backup (${r.backupKind})` : 'backup';
  if (r.kind === 'full-vm' || r.kind === 'disks') return `restore (${r.kind})`;
  return r.kind;
}

function kindGroup(r: JobHistoryRow): (typeof KINDS)[number] {
  return r.kind === 'backup' || r.kind === 'recovery' ? r.kind : 'restore';
}

/** Every job on disk (the CLI's too), filterable by text and outcome, each with its report. */
export function JobHistoryTable({ refreshKey }: { refreshKey: string }): ReactElement {
  const [state, setState] = useState<LoadState<JobHistoryRow[]>>({ status: 'loading' });
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('all');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('all');
  const [reportOf, setReportOf] = useState<string | null>(null);
  const [resumed, setResumed] = useState<{ jobId: string; problem?: string } | null>(null);
  const resume = (jobId: string, kind: string) =>
    // A recovery resumes as a whole (finished VMs skipped); a restore from its checkpoint.
    (kind === 'recovery' ? api().recovery.resume({ jobId }) : api().restore.resume({ jobId }))
      .then(() => setResumed({ jobId }))
      .catch((err: { message?: string; hint?: string }) => setResumed({ jobId, problem: [err.message, err.hint].filter(Boolean).join(' ') }));
  useEffect(() => {
    let current = true;
    api()
      .jobs.history()
      .then((rows) => current && setState({ status: 'ready', data: rows }))
      .catch((err: Error) => current && setState({ status: 'error', message: err.message }));
    return () => {
      current = false;
    };
  }, [refreshKey]);
  if (state.status === 'error') {
    return (
      <div className="notice notice-error" role="alert">
        Could not list the jobs on disk: {state.message}
      </div>
    );
  }
  const rows = state.status === 'ready' ? state.data : [];
  const needle = text.trim().toLowerCase();
  const shown = rows.filter(
    (r) =>
      (outcome === 'all' || r.outcome === outcome) &&
      (kind === 'all' || kindGroup(r) === kind) &&
      (!needle || [r.jobId, r.vm, r.restoredVm ?? '', r.target, r.reason ?? ''].some((f) => f.toLowerCase().includes(needle))),
  );
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">All jobs on this workstation</h2>
      <div className="toolbar filters" role="search" aria-label="Filter jobs">
        <label>
          Filter by VM, job or target
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k === 'all' ? 'Any kind' : k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome
          <select value={outcome} onChange={(e) => setOutcome(e.target.value as (typeof OUTCOMES)[number])}>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o === 'all' ? 'Any outcome' : o}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted" role="status" aria-live="polite" data-testid="history-count">
        {state.status === 'loading' ? 'Reading the jobs folder…' : `${shown.length} of ${rows.length} jobs`}
      </p>
      {shown.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Jobs on disk">
            <thead>
              <tr>
                <th>Started</th>
                <th>Kind</th>
                <th>VM</th>
                <th>Target</th>
                <th>Outcome</th>
                <th>Report</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.jobId} data-testid={`history-${r.jobId}`}>
                  <td>{r.startedAt ? localTime(r.startedAt) : '—'}</td>
                  <td data-testid={`history-kind-${r.jobId}`}>{kindWords(r)}</td>
                  <td>
                    {r.vm}
                    {r.restoredVm ? ` → ${r.restoredVm}` : ''}
                    <div className="mono muted">{r.jobId}</div>
                  </td>
                  <td>{r.target}</td>
                  <td className="nowrap">{r.outcome}</td>
                  <td>
                    {r.reportPath ? (
                      <button type="button" className="button button-small" onClick={() => setReportOf(r.jobId)} aria-label={`Open report of ${r.jobId}`}>
                        Open report
                      </button>
                    ) : null}
                    {r.outcome !== 'succeeded' && r.kind !== 'backup' ? (
                      <button type="button" className="button button-small button-secondary" onClick={() => void resume(r.jobId, r.kind)} aria-label={`Resume ${r.jobId}`}>
                        Resume
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {resumed ? (
        <div className={`notice ${resumed.problem ? 'notice-error' : 'notice-ok'}`} role={resumed.problem ? 'alert' : 'status'} data-testid="resume-result">
          {resumed.problem ? `Could not resume ${resumed.jobId}: ${resumed.problem}` : `Resumed ${resumed.jobId}: its progress is shown above.`}
        </div>
      ) : null}
      {reportOf ? <ReportView key={reportOf} jobId={reportOf} onClose={() => setReportOf(null)} /> : null}
    </section>
  );
}
