import { useState, type ReactElement } from 'react';
import { formatBytes } from '../app/byte-size';
import { useJobsStore } from '../stores/jobs-store';
import { useRestoreWizardStore } from '../stores/restore-wizard-store';

const FINAL = ['succeeded', 'failed', 'cancelled'];
const OUTCOME_TITLE: Record<string, string> = { succeeded: 'Restore succeeded', failed: 'Restore failed', cancelled: 'Restore cancelled' };

function formatEta(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** Step 4: the running job, mirrored from the engine's pushed snapshots (nothing computed here), with Cancel and the outcome. */
export function RunStep(): ReactElement {
  const jobId = useRestoreWizardStore((s) => s.jobId);
  const cancel = useRestoreWizardStore((s) => s.cancel);
  const reset = useRestoreWizardStore((s) => s.reset);
  const job = useJobsStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const [cancelProblem, setCancelProblem] = useState<string | null>(null);
  if (!job) {
    return (
      <p className="muted" role="status">
        Starting job {jobId}…
      </p>
    );
  }
  const done = FINAL.includes(job.phase);
  return (
    <section className="card" aria-label="Restore job">
      <h2>{job.title}</h2>
      <dl className="job-facts">
        <dt>Phase</dt>
        <dd data-testid="job-phase">{job.phase}</dd>
        <dt>Step</dt>
        <dd data-testid="job-step">{job.step ?? '—'}</dd>
        <dt>Written</dt>
        <dd data-testid="job-bytes">
          {formatBytes(job.bytesDone)} of {formatBytes(job.bytesTotal)}
        </dd>
        <dt>Speed</dt>
        <dd data-testid="job-rate">{formatBytes(job.bytesPerSecond)}/s</dd>
        <dt>Time left</dt>
        <dd data-testid="job-eta">{formatEta(job.etaSeconds)}</dd>
      </dl>
      <progress aria-label="Restore progress" max={job.bytesTotal || 1} value={job.bytesDone} />
      {!done ? (
        <div className="wizard-actions">
          <button
            type="button"
            className="button button-danger"
            disabled={job.phase === 'cancelling'}
            onClick={() => void cancel().catch((err: Error) => setCancelProblem(err.message))}
          >
            {job.phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      ) : (
        <div className={`notice ${job.phase === 'succeeded' ? 'notice-ok' : 'notice-error'}`} role="status" data-testid="job-outcome">
          <strong>{OUTCOME_TITLE[job.phase]}</strong>
          {job.outcome ? <div>{job.outcome}</div> : null}
          {job.error ? <div>{job.error}</div> : null}
          {job.reportPath ? (
            <div>
              Report: <code data-testid="job-report">{job.reportPath}</code>
            </div>
          ) : null}
        </div>
      )}
      {cancelProblem ? (
        <div className="notice notice-error" role="alert">
          {cancelProblem}
        </div>
      ) : null}
      {done ? (
        <button type="button" className="button button-secondary" onClick={reset}>
          Restore another
        </button>
      ) : null}
    </section>
  );
}
