import type { ReactElement } from 'react';
import type { RecoveryProgress } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { StepHeading } from '../app/step-heading';
import { useJobsStore } from '../stores/jobs-store';
import { RecoveryTimeline } from './recovery-timeline';
import { useRecoveryStore } from './recovery-store';
import { formatDuration } from './recovery-words';
import { useNow } from './use-now';

const STATE_LABEL: Record<RecoveryProgress['state'], string> = { running: 'Running', succeeded: 'Recovery succeeded', failed: 'Recovery failed', cancelled: 'Recovery cancelled' };
const DONE = ['succeeded', 'failed', 'skipped', 'cancelled'];

/** Every VM's state and bytes, the groups, the hosts' streams and the timeline of one recovery, as the engine pushed them. */
export function RecoveryRunView({ progress, interrupted, nowOverride }: { progress: RecoveryProgress; interrupted: boolean; nowOverride?: number }): ReactElement {
  const running = progress.state === 'running' && !interrupted;
  const ticking = useNow(running && nowOverride === undefined);
  const now = nowOverride ?? ticking;
  const cancel = useRecoveryStore((s) => s.cancel);
  const resume = useRecoveryStore((s) => s.resume);
  const clear = useRecoveryStore((s) => s.clear);
  const job = useJobsStore((s) => s.jobs[progress.jobId]);
  const notResumable = useRecoveryStore((s) => s.notResumable[progress.jobId] ?? false);
  const cancelling = job?.phase === 'cancelling';
  const finished = progress.vms.filter((v) => DONE.includes(v.state)).length;
  const elapsed = ((progress.finishedAt ? Date.parse(progress.finishedAt) : now) - Date.parse(progress.startedAt)) / 1000;
  const title = interrupted ? 'Recovery interrupted' : STATE_LABEL[progress.state];
  return (
    <section aria-labelledby="run-heading" data-testid="recovery-run">
      <div className="card">
        {/* Focus lands here when the run screen appears (after the confirm, a resume or a reload). */}
        <div id="run-heading">
          <StepHeading>
            {progress.name}: <span data-testid="recovery-state">{title}</span>
          </StepHeading>
        </div>
        <p className="muted small mono">{progress.jobId}</p>
        <div aria-live="polite" data-testid="recovery-overall">
          {finished} of {progress.vms.length} VMs done; {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)} written; {formatDuration(elapsed)}{' '}
          {progress.finishedAt ? 'in all' : 'so far'}.
        </div>
        <progress className="bar" aria-label="Recovery progress" max={progress.bytesTotal || 1} value={Math.min(progress.bytesDone, progress.bytesTotal || 1)} />
        {interrupted ? (
          <p className="notice notice-warn">This recovery stopped without an end (the engine was stopped). Resume it: finished VMs are skipped, the others continue from their checkpoints.</p>
        ) : null}
        {!running && progress.state !== 'succeeded' && notResumable ? (
          <p className="hint" data-testid="resume-from-cli">
            This recovery was started from the command line; resume it there: <code>lifeboat recovery run FILE --resume {progress.jobId}</code>
          </p>
        ) : null}
        {job?.reportPath && !running ? (
          <p>
            Report: <code data-testid="recovery-report">{job.reportPath}</code>
          </p>
        ) : null}
        <div className="wizard-actions">
          {running ? (
            <button type="button" className="button button-danger" disabled={cancelling} onClick={() => void cancel()}>
              {cancelling ? 'Cancelling…' : 'Cancel the recovery'}
            </button>
          ) : null}
          {!running && progress.state !== 'succeeded' && !notResumable ? (
            <button type="button" className="button" onClick={() => void resume(progress.jobId)}>
              Resume the recovery
            </button>
          ) : null}
          {!running ? (
            <button type="button" className="button button-secondary" onClick={clear}>
              Open another plan
            </button>
          ) : null}
        </div>
      </div>
      <div className="recovery-columns">
        <section className="card" aria-labelledby="groups-state-heading">
          <h2 id="groups-state-heading">Groups</h2>
          <ol className="plain-list group-states">
            {progress.groups.map((g) => (
              <li key={g.name} data-testid={`group-state-${g.name}`}>
                <strong>{g.name}</strong> <span className={`state state-${g.state}`}>{g.state === 'waiting-delay' ? 'up, waiting its delay' : g.state}</span>
                {g.upAt ? <span className="muted">up after {formatDuration((Date.parse(g.upAt) - Date.parse(progress.startedAt)) / 1000)}</span> : null}
              </li>
            ))}
          </ol>
        </section>
        <section className="card" aria-labelledby="hosts-state-heading">
          <h2 id="hosts-state-heading">Streams per host now</h2>
          <ul className="plain-list">
            {progress.hosts.map((h) => (
              <li key={h.name} data-testid={`host-state-${h.name}`}>
                <strong>{h.name}</strong> {h.activeStreams} of {h.cap} <span className="muted">(peak {h.peakStreams})</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section className="card" aria-labelledby="vms-state-heading">
        <h2 id="vms-state-heading">Every VM</h2>
        <div className="table-scroll">
          <table className="table" aria-label="Every VM of the recovery">
            <thead>
              <tr>
                <th scope="col">VM → new name</th>
                <th scope="col">Group</th>
                <th scope="col">Host</th>
                <th scope="col">State</th>
                <th scope="col">Written</th>
              </tr>
            </thead>
            <tbody>
              {progress.vms.map((v) => (
                <tr key={v.vm} data-testid={`vm-state-${v.vm}`}>
                  <th scope="row">
                    {v.vm} → {v.vmName}
                  </th>
                  <td>{v.group}</td>
                  <td>{v.host ?? '—'}</td>
                  <td>
                    <span className={`state state-${v.state}`}>{v.state}</span>
                    {v.poweredOn ? <span className="muted">, powered on</span> : null}
                    {v.finishedEarlier ? <span className="muted"> (by an earlier run)</span> : null}
                    {v.error ? (
                      <div className="field-problem">
                        {v.error.message}
                        {v.error.rule ? <code className="rule-tag">{v.error.rule}</code> : null}
                        {v.error.hint ? <div className="hint">{v.error.hint}</div> : null}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <span className="nowrap">
                      {formatBytes(v.bytesDone)} of {formatBytes(v.bytesTotal)}
                    </span>
                    <progress className="bar" aria-label={`${v.vm} progress`} max={v.bytesTotal || 1} value={Math.min(v.bytesDone, v.bytesTotal || 1)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <RecoveryTimeline progress={progress} now={now} />
    </section>
  );
}
