import type { ReactElement } from 'react';
import type { RecoveryGroupPlan } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { localTime } from '../app/local-time';
import { RecoveryFindings } from './recovery-findings';
import { formatDuration, transportsText } from './recovery-words';

/** What must hold before the next group starts, in words. */
export function groupGate(g: RecoveryGroupPlan): string {
  const wait = g.waitFor === 'powered-on' ? 'its VMs restored and powered on' : 'its VMs restored';
  return `Next group after ${wait}${g.delaySeconds > 0 ? `, then ${formatDuration(g.delaySeconds)}` : ''}`;
}

/** The groups in the order they run, each with its VMs: point, new name, host, datastore, transport, size, estimate, findings. */
export function RecoveryGroups({ groups }: { groups: RecoveryGroupPlan[] }): ReactElement {
  return (
    <section aria-labelledby="groups-heading">
      <h2 id="groups-heading">Groups, in order</h2>
      <ol className="recovery-groups">
        {groups.map((g, index) => (
          <li key={g.name} className="card recovery-group" data-testid={`plan-group-${g.name}`}>
            <h3>
              {index + 1}. {g.name}{' '}
              <span className="muted">
                — {g.vms.length} VM{g.vms.length === 1 ? '' : 's'}, about {formatDuration(g.estimateSeconds)}
              </span>
            </h3>
            <p className="muted group-gate">
              {groupGate(g)}. {g.stopOnFailure ? 'A failed VM stops the recovery after this group.' : 'A failed VM does not stop the others.'}
            </p>
            <div className="table-scroll">
              <table className="table recovery-vms" aria-label={`VMs of ${g.name}`}>
                <thead>
                  <tr>
                    <th scope="col">VM → new name</th>
                    <th scope="col">Restore point</th>
                    <th scope="col">Host</th>
                    <th scope="col">Datastore</th>
                    <th scope="col">Transport</th>
                    <th scope="col">Size</th>
                    <th scope="col">Estimate</th>
                  </tr>
                </thead>
                {g.vms.map((vm) => (
                  <tbody key={vm.vm} data-testid={`plan-vm-${vm.vm}`}>
                    <tr>
                      <th scope="row">
                        {vm.vm} → {vm.vmName}
                        {!vm.ok ? <span className="badge badge-blocked">blocked</span> : null}
                        {vm.powerOn ? <div className="muted small">powered on after</div> : null}
                      </th>
                      <td>
                        <span className="mono">{vm.pointId.slice(0, 12)}</span>
                        <div className="muted small">{localTime(vm.pointCreatedAt)}</div>
                      </td>
                      <td>{vm.host ?? 'chosen at run time'}</td>
                      <td>{vm.datastore}</td>
                      <td>
                        {transportsText(vm.transports)}
                        <div className="muted small">
                          {vm.streams} stream{vm.streams === 1 ? '' : 's'}
                        </div>
                      </td>
                      <td className="nowrap">{formatBytes(vm.bytesToWrite)}</td>
                      <td className="nowrap">{formatDuration(vm.estimateSeconds)}</td>
                    </tr>
                    {vm.findings.length > 0 ? (
                      <tr className="vm-findings">
                        <td colSpan={7}>
                          <RecoveryFindings findings={vm.findings} label={`Findings for ${vm.vm}`} />
                        </td>
                      </tr>
                    ) : null}
                  </tbody>
                ))}
              </table>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
