import type { ReactElement } from 'react';
import type { JobSnapshot } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { RateSparkline } from './rate-sparkline';

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

const MARK: Record<string, string> = { done: '[done]', running: '[running]', skipped: '[skipped]', failed: '[failed]', pending: '[ ]' };

/** A labelled bar with a visible track (a native progress element, styled). */
function Bar({ label, done, total }: { label: string; done: number; total: number }): ReactElement {
  return <progress className="bar" aria-label={label} max={total || 1} value={Math.min(done, total || 1)} />;
}

/** Overall and per-disk progress, rate, time left, sparkline and the step checklist of one job, as the engine pushed them. */
export function JobProgress({ job, rates }: { job: JobSnapshot; rates: number[] }): ReactElement {
  const verifying = job.pass === 'verify';
  const reading = job.kind === 'backup';
  return (
    <div className="job-progress">
      <dl className="job-facts">
        <dt>Phase</dt>
        <dd data-testid="job-phase">{job.phase}</dd>
        <dt>Step</dt>
        <dd data-testid="job-step">{job.step ?? '—'}</dd>
        <dt>{verifying ? 'Verified' : reading ? 'Read' : 'Written'}</dt>
        <dd data-testid="job-bytes">
          {formatBytes(job.bytesDone)} of {formatBytes(job.bytesTotal)}
        </dd>
        <dt>Speed</dt>
        <dd>
          <span data-testid="job-rate">{formatBytes(job.bytesPerSecond)}/s</span>
          <RateSparkline rates={rates} />
        </dd>
        <dt>Time left</dt>
        <dd data-testid="job-eta">{formatEta(job.etaSeconds)}</dd>
      </dl>
      <Bar label={reading ? 'Backup progress' : 'Restore progress'} done={job.bytesDone} total={job.bytesTotal} />
      {job.disks && job.disks.length > 0 ? (
        <ul className="disk-progress" aria-label="Disks">
          {job.disks.map((d) => (
            <li key={d.key} data-testid={`disk-progress-${d.key}`}>
              <div className="disk-progress-head">
                <strong>{d.label}</strong>
                <span>{d.state}</span>
                <span>
                  {formatBytes(d.bytesDone)} of {formatBytes(d.bytesTotal)}
                </span>
                <span>{formatBytes(d.bytesPerSecond)}/s</span>
                <span>{formatEta(d.etaSeconds)} left</span>
              </div>
              <Bar label={`${d.label} progress`} done={d.bytesDone} total={d.bytesTotal} />
            </li>
          ))}
        </ul>
      ) : null}
      {job.checklist && job.checklist.length > 0 ? (
        <ol className="checklist" aria-label="Steps" data-testid="job-checklist">
          {job.checklist.map((c) => (
            <li key={c.phase} className={`check-${c.status}`}>
              <span className="mark">{MARK[c.status]}</span> {c.title} <code className="rule-tag">{c.rule}</code>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
