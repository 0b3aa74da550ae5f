import { useEffect, useState, type ReactElement } from 'react';
import type { JobReportView } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { StepHeading } from '../app/step-heading';
import { api } from '../bridge/api-access';
import { JobProgress } from '../jobs/job-progress';
import { useJobsStore } from '../stores/jobs-store';
import { useRepositoriesStore } from '../stores/repositories-store';
import { useBackupWizardStore } from './backup-wizard-store';

/** Where the Repositories page opens a point's details (it reads the `point` parameter of its address). */
export function pointAddress(pointId: string): string {
  return `#/repositories?point=${encodeURIComponent(pointId)}`;
}

/** What the backup made, from its report on disk: the point, its kind, the bytes read; the repository is listed again so the point shows. */
function useBackupReport(jobId: string, succeeded: boolean, repositoryId: string): JobReportView | null {
  const [report, setReport] = useState<JobReportView | null>(null);
  const refresh = useRepositoriesStore((s) => s.refresh);
  useEffect(() => {
    if (!succeeded) return;
    let current = true;
    void api()
      .jobs.report({ jobId })
      .then(async (r) => {
        await refresh(repositoryId).catch(() => undefined);
        if (current) setReport(r);
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [jobId, succeeded, repositoryId, refresh]);
  return report;
}

/** Step 4: the job as the engine pushes it (bytes read, rate, time left), then what it made. */
export function BackupRunStep(): ReactElement {
  const jobId = useBackupWizardStore((s) => s.jobId)!;
  const repositoryId = useBackupWizardStore((s) => s.choices.repositoryId);
  const again = useBackupWizardStore((s) => s.again);
  const job = useJobsStore((s) => s.jobs[jobId]);
  const rates = useJobsStore((s) => s.rates[jobId]) ?? [];
  const finished = job?.finishedAt != null;
  const report = useBackupReport(jobId, job?.phase === 'succeeded', repositoryId);
  return (
    <section className="card" aria-labelledby="backup-step-heading" data-testid="backup-run">
      <div id="backup-step-heading">
        <StepHeading>{finished ? `Step 4 of 4: the backup ${job.phase}` : 'Step 4 of 4: backing up'}</StepHeading>
      </div>
      <div aria-live="polite" data-testid="backup-progress">
        {job ? <JobProgress job={job} rates={rates} /> : <p role="status">Starting…</p>}
      </div>
      {job?.error ? (
        <div className="notice notice-error" role="alert" data-testid="backup-error">
          The backup {job.phase}: {job.error}
        </div>
      ) : null}
      {report ? (
        <dl className="job-facts" data-testid="backup-result">
          <dt>Restore point</dt>
          <dd>
            <a href={pointAddress(report.pointId ?? '')} className="mono" data-testid="backup-point-link">
              {report.pointId}
            </a>
          </dd>
          <dt>Kind</dt>
          <dd data-testid="backup-result-kind">{report.backupKind}</dd>
          <dt>Read</dt>
          <dd data-testid="backup-result-read">{formatBytes(report.bytesRead ?? 0)}</dd>
          <dt>Record</dt>
          <dd className="mono">{report.jsonPath}</dd>
        </dl>
      ) : null}
      <div className="wizard-actions">
        {!finished ? (
          <button type="button" className="button button-secondary" onClick={() => void api().jobs.cancel({ jobId })}>
            Cancel the backup
          </button>
        ) : (
          <button type="button" className="button" onClick={again}>
            Back up again
          </button>
        )}
      </div>
    </section>
  );
}
