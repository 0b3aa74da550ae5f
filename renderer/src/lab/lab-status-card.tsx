import type { ReactElement } from 'react';
import type { LabView } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { localTime } from '../app/local-time';

const MODE_LABEL = { vcenter: 'vCenter (a cluster of hosts)', esxi: 'ESXi (one standalone host)' } as const;

/** Free space on the file system that holds (or will hold) the lab's datastore folders. */
export function LabFreeSpace({ view }: { view: LabView }): ReactElement {
  const text =
    view.freeBytes === null || view.totalBytes === null
      ? 'unknown'
      : `${formatBytes(view.freeBytes)} free of ${formatBytes(view.totalBytes)}`;
  return (
    <p data-testid="lab-free-space">
      <strong>Free space:</strong> {text} <span className="muted">in {view.spaceFolder}</span>
    </p>
  );
}

/** Whether the lab runs and answers, and what it has: mode, URL, datastores, hosts, VMs. */
export function LabStatusCard({ view }: { view: LabView }): ReactElement {
  if (!view.running) {
    return (
      <section className="card" aria-labelledby="lab-status-heading">
        <h2 id="lab-status-heading">Status</h2>
        <p data-testid="lab-state">
          <span className="badge badge-warn">Stopped</span> <span className="muted">({view.detail})</span>
        </p>
        <LabFreeSpace view={view} />
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="lab-status-heading">
      <h2 id="lab-status-heading">Status</h2>
      <p data-testid="lab-state">
        <span className={view.answering ? 'badge badge-ok' : 'badge badge-warn'}>{view.answering ? 'Running' : 'Running, not answering'}</span>{' '}
        <span className="muted">({view.detail})</span>
      </p>
      <dl className="job-facts">
        <dt>Mode</dt>
        <dd data-testid="lab-mode">{view.mode ? MODE_LABEL[view.mode] : '—'}</dd>
        <dt>URL</dt>
        <dd className="mono">{view.url}</dd>
        <dt>Process</dt>
        <dd data-testid="lab-pid">{view.pid}</dd>
        <dt>Started</dt>
        <dd>{view.startedAt ? <time dateTime={view.startedAt}>{localTime(view.startedAt)}</time> : '—'}</dd>
        <dt>Hosts</dt>
        <dd>{view.hosts.join(', ')}</dd>
        <dt>VMs</dt>
        <dd data-testid="lab-vms">
          {view.vms.join(', ')} and {view.bulkVms} plain VMs
        </dd>
        <dt>Connection</dt>
        <dd>
          Saved as <code>lab</code>: choose it as the restore target.
        </dd>
      </dl>
      {view.keychainProblem ? (
        <div className="notice notice-warn" role="status">
          The lab&apos;s password could not be saved in the keychain ({view.keychainProblem}). Start it with <code>lifeboat lab start</code> in a
          terminal, which shows the password once.
        </div>
      ) : null}
      <table className="table" aria-label="Lab datastores">
        <thead>
          <tr>
            <th>Datastore</th>
            <th>Type</th>
            <th>Folder</th>
          </tr>
        </thead>
        <tbody>
          {view.datastores.map((d) => (
            <tr key={d.name} data-testid={`lab-datastore-${d.name}`}>
              <td>{d.name}</td>
              <td>{d.type}</td>
              <td className="mono">{d.folder}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LabFreeSpace view={view} />
    </section>
  );
}
