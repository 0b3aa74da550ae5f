import type { ReactElement } from 'react';
import type { RecoveryHostUse, RecoveryPlanView } from '../../../electron/api/contract';

/** Streams per host: the caps in force (XPORT-SAN-STREAMS and the plan's limits) and the most the plan would want at once. */
export function HostStreams({ hosts, limits }: { hosts: RecoveryHostUse[]; limits: RecoveryPlanView['limits'] }): ReactElement {
  return (
    <section className="card" aria-labelledby="streams-heading">
      <h2 id="streams-heading">Streams per host</h2>
      <p className="muted small">
        Disk streams open at once on one ESXi host never exceed its cap: SAN at most {limits.sanStreamsPerHost} (<code className="rule-tag">XPORT-SAN-STREAMS</code>), NBD/NBDSSL{' '}
        {limits.nbdStreamsPerHost}, HotAdd {limits.hotaddStreamsPerHost}
        {limits.concurrentVms ? `; at most ${limits.concurrentVms} VMs at once` : ''}.
      </p>
      <div className="table-scroll">
        <table className="table" aria-label="Streams per host">
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">VMs</th>
              <th scope="col">Most streams wanted at once</th>
              <th scope="col">Caps (SAN / NBD / HotAdd)</th>
            </tr>
          </thead>
          <tbody>
            {hosts.map((h) => (
              <tr key={h.name} data-testid={`host-${h.name}`}>
                <th scope="row">{h.name}</th>
                <td>{h.vms.join(', ')}</td>
                <td>{h.peakStreamsWanted}</td>
                <td className="nowrap">
                  {h.caps.san} / {h.caps.nbd} / {h.caps.hotadd}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
