import type { ReactElement } from 'react';
import { formatBytes } from '../app/byte-size';
import { PageHeader } from '../app/page-header';
import { useJobsStore } from '../stores/jobs-store';

/** Restores, backups and exports the engine runs, mirrored live. */
export function JobsPage(): ReactElement {
  const jobs = Object.values(useJobsStore((s) => s.jobs));
  return (
    <section>
      <PageHeader title="Jobs">Restores, backups and exports, with live progress from the engine.</PageHeader>
      {jobs.length === 0 ? (
        <p className="empty" data-testid="jobs-empty">
          No jobs have run in this session.
        </p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Phase</th>
              <th>Step</th>
              <th>Progress</th>
              <th>Speed</th>
              <th>Report</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id}>
                <td>{j.title}</td>
                <td>{j.phase}</td>
                <td>{j.step ?? ''}</td>
                <td>
                  {formatBytes(j.bytesDone)} / {formatBytes(j.bytesTotal)}
                </td>
                <td>{formatBytes(j.bytesPerSecond)}/s</td>
                <td className="mono">{j.reportPath ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
