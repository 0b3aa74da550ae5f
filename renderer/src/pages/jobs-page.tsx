import type { ReactElement } from 'react';
import { PageHeader } from '../app/page-header';
import { JobHistoryTable } from '../jobs/job-history-table';
import { JobProgress } from '../jobs/job-progress';
import { RecoveryJobsPanel } from '../recovery/recovery-jobs-panel';
import { useJobsStore } from '../stores/jobs-store';

const FINAL = ['succeeded', 'failed', 'cancelled'];

/** Jobs running in this session (live progress from the engine) and every job on disk with its report. */
export function JobsPage(): ReactElement {
  const jobs = Object.values(useJobsStore((s) => s.jobs));
  const rates = useJobsStore((s) => s.rates);
  const running = jobs.filter((j) => !FINAL.includes(j.phase));
  // The list on disk is read again whenever a job of this session finishes.
  const refreshKey = jobs
    .filter((j) => FINAL.includes(j.phase))
    .map((j) => j.id)
    .join(',');
  return (
    <section>
      <PageHeader title="Jobs">Restores, backups and exports: live progress from the engine, and every job on disk with its report.</PageHeader>
      {running.length === 0 ? (
        <p className="empty" data-testid="jobs-empty">
          No job is running now.
        </p>
      ) : (
        running.map((j) => (
          <section key={j.id} className="card" aria-label={j.title} aria-live="polite">
            <h2>{j.title}</h2>
            <JobProgress job={j} rates={rates[j.id] ?? []} />
          </section>
        ))
      )}
      <RecoveryJobsPanel />
      <JobHistoryTable refreshKey={refreshKey} />
    </section>
  );
}
