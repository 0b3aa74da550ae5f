import { useState, type ReactElement } from 'react';
import { StepHeading } from '../app/step-heading';
import { api } from '../bridge/api-access';
import { JobProgress } from '../jobs/job-progress';
import { ReportView } from '../jobs/report-view';
import { useJobsStore } from '../stores/jobs-store';
import { useRestoreWizardStore } from '../stores/restore-wizard-store';

const FINAL = ['succeeded', 'failed', 'cancelled'];
const OUTCOME_TITLE: Record<string, string> = { succeeded: 'Restore succeeded', failed: 'Restore failed', cancelled: 'Restore cancelled' };

/** Step 5: the running job, mirrored from the engine's pushed snapshots (nothing computed here), with Cancel and what to do at the end. */
export function RunStep(): ReactElement {
  const jobId = useRestoreWizardStore((s) => s.jobId);
  const cancel = useRestoreWizardStore((s) => s.cancel);
  const retry = useRestoreWizardStore((s) => s.retry);
  const resume = useRestoreWizardStore((s) => s.resume);
  const startProblem = useRestoreWizardStore((s) => s.startProblem);
  const reset = useRestoreWizardStore((s) => s.reset);
  const job = useJobsStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const rates = useJobsStore((s) => (jobId ? s.rates[jobId] : undefined)) ?? [];
  const [problem, setProblem] = useState<string | null>(null);
  const [power, setPower] = useState<'idle' | 'busy' | 'on'>('idle');
  const [showReport, setShowReport] = useState(false);
  if (!job) {
    return (
      <p className="muted" role="status">
        Starting job {jobId}…
      </p>
    );
  }
  const done = FINAL.includes(job.phase);
  const poweredByPlan = job.checklist?.some((c) => c.phase === 'power-on' && c.status === 'done') ?? false;
  const powerOn = () => {
    if (!job.connection || !job.restoredVm) return;
    setPower('busy');
    setProblem(null);
    api()
      .vms.powerOn({ connection: job.connection, name: job.restoredVm })
      .then(() => setPower('on'))
      .catch((err: Error) => {
        setPower('idle');
        setProblem(err.message);
      });
  };
  return (
    <section aria-labelledby="run-heading">
      <div id="run-heading">
        <StepHeading>{job.title}</StepHeading>
      </div>
      <div className="card" aria-live="polite" aria-atomic="false">
        <JobProgress job={job} rates={rates} />
      </div>
      {!done ? (
        <div className="wizard-actions">
          <button
            type="button"
            className="button button-danger"
            disabled={job.phase === 'cancelling'}
            onClick={() => void cancel().catch((err: Error) => setProblem(err.message))}
          >
            {job.phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      ) : (
        <>
          <div className={`notice ${job.phase === 'succeeded' ? 'notice-ok' : 'notice-error'}`} role={job.phase === 'succeeded' ? 'status' : 'alert'} data-testid="job-outcome">
            <strong>{OUTCOME_TITLE[job.phase]}</strong>
            {job.outcome ? <div>{job.outcome}</div> : null}
            {job.error ? <div>{job.error}</div> : null}
            {job.reportPath ? (
              <div>
                Report: <code data-testid="job-report">{job.reportPath}</code>
              </div>
            ) : null}
          </div>
          <div className="wizard-actions">
            {job.reportPath ? (
              <button type="button" className="button" onClick={() => setShowReport(true)}>
                Open the report
              </button>
            ) : null}
            {job.phase === 'succeeded' && job.restoredVm && job.connection && !poweredByPlan ? (
              <button type="button" className="button button-secondary" disabled={power !== 'idle'} onClick={powerOn}>
                {power === 'on' ? 'Powered on' : power === 'busy' ? 'Powering on…' : `Power on ${job.restoredVm}`}
              </button>
            ) : null}
            {job.phase !== 'succeeded' ? (
              <>
                <button type="button" className="button" onClick={() => void resume()}>
                  Resume this job
                </button>
                <button type="button" className="button button-secondary" onClick={() => void retry()}>
                  Retry as a new job
                </button>
              </>
            ) : null}
            <button type="button" className="button button-secondary" onClick={reset}>
              Restore another
            </button>
          </div>
          {power === 'on' ? (
            <p role="status" data-testid="power-status">
              {job.restoredVm} is powered on.
            </p>
          ) : null}
          {showReport ? <ReportView jobId={job.id} onClose={() => setShowReport(false)} /> : null}
        </>
      )}
      {problem || startProblem ? (
        <div className="notice notice-error" role="alert">
          {problem ?? startProblem?.message}
          {startProblem?.hint ? <div className="hint">{startProblem.hint}</div> : null}
        </div>
      ) : null}
    </section>
  );
}
