import type { ReactElement } from 'react';
import { formatBytes } from '../app/byte-size';
import { formatEta } from '../jobs/job-progress';
import { useJobsStore } from '../stores/jobs-store';

/** An export or verify job as the engine pushes it: step, a bar, rate, and the outcome in words. */
export function JobLine({ jobId, unit }: { jobId: string; unit: 'bytes' | 'packs' }): ReactElement {
  const job = useJobsStore((s) => s.jobs[jobId]);
  if (!job) return <p role="status">Starting…</p>;
  const finished = job.finishedAt !== null;
  const amount = unit === 'bytes' ? `${formatBytes(job.bytesDone)} of ${formatBytes(job.bytesTotal)}` : `${job.bytesDone} of ${job.bytesTotal} packs`;
  return (
    <div data-testid={`job-${job.kind}`}>
      <progress className="bar" aria-label={`${job.title}: progress`} max={job.bytesTotal || 1} value={Math.min(job.bytesDone, job.bytesTotal || 1)} />
      <p role="status" aria-live="polite" data-testid="job-line-status">
        {finished
          ? job.phase === 'succeeded'
            ? `Done. ${job.outcome ?? ''}`
            : `${job.phase === 'cancelled' ? 'Cancelled' : 'Failed'}: ${job.error ?? job.outcome ?? ''}`
          : `${job.step ?? job.phase}: ${amount}${unit === 'bytes' ? `, ${formatBytes(job.bytesPerSecond)}/s, ${formatEta(job.etaSeconds)} left` : ''}`}
      </p>
    </div>
  );
}
