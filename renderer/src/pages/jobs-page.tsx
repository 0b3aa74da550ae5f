import type { ReactElement } from 'react';
import { PageHeader } from '../app/page-header';
import { useJobsStore } from '../stores/jobs-store';

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

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
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
