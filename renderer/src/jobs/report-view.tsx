import { useEffect, useState, type ReactElement } from 'react';
import type { JobReportView } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { localTime } from '../app/local-time';
import { StepHeading } from '../app/step-heading';
import { api } from '../bridge/api-access';

/** A finished job's report inside the app (the same content as its HTML file, whose path is given). */
export function ReportView({ jobId, onClose }: { jobId: string; onClose: () => void }): ReactElement {
  const [report, setReport] = useState<JobReportView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    api()
      .jobs.report({ jobId })
      .then((r) => current && setReport(r))
      .catch((err: Error) => current && setProblem(err.message));
    return () => {
      current = false;
    };
  }, [jobId]);
  return (
    <section className="card report" aria-label={`Report of job ${jobId}`} data-testid="report-view">
      {problem ? (
        <div className="notice notice-error" role="alert">
          Could not read the report: {problem}
        </div>
      ) : !report ? (
        <p className="muted">Reading the report…</p>
      ) : (
        <>
          <StepHeading level={3}>
            Report: {report.kind === 'backup' ? `backup${report.backupKind ? ` (${report.backupKind})` : ''}` : 'restore'} {report.outcome} — {report.vm}
            {report.restoredVm ? ` → ${report.restoredVm}` : ''}
          </StepHeading>
          <p className="muted">
            {report.target} · {localTime(report.startedAt)} · {report.durationSeconds.toFixed(1)} s{report.reason ? ` · Reason: ${report.reason}` : ''}
          </p>
          <table className="table">
            <caption className="visually-hidden">Disks</caption>
            <thead>
              <tr>
                <th>Disk</th>
                <th>Transport</th>
                <th>{report.kind === 'backup' ? 'Read' : 'Written'}</th>
                <th>Verified</th>
              </tr>
            </thead>
            <tbody>
              {report.disks.map((d) => (
                <tr key={d.key}>
                  <td>{d.label}</td>
                  <td>{d.transportUsed ?? '—'}</td>
                  <td>{formatBytes(d.bytesWritten)}</td>
                  <td>{d.verified === null ? 'not verified' : d.verified ? 'yes' : 'NO'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ol className="checklist">
            {report.steps.map((s) => (
              <li key={`${s.rule}-${s.title}`} className={`check-${s.status}`}>
                <span className="mark">[{s.status}]</span> {s.title} <code className="rule-tag">{s.rule}</code>
                {s.detail ? <span className="muted"> · {s.detail}</span> : null}
              </li>
            ))}
          </ol>
          {report.errors.length > 0 ? (
            <div className="notice notice-error" role="alert">
              {report.errors.join('; ')}
            </div>
          ) : null}
          {report.pointId ? (
            <p data-testid="report-point">
              Restore point: <code>{report.pointId}</code>
              {report.bytesRead != null ? `, ${formatBytes(report.bytesRead)} read` : ''}
            </p>
          ) : null}
          <p className="muted">
            {report.htmlPath ? 'HTML file' : 'Report file'}: <code>{report.htmlPath ?? report.jsonPath}</code>
          </p>
        </>
      )}
      <button type="button" className="button button-secondary" onClick={onClose}>
        Close the report
      </button>
    </section>
  );
}
