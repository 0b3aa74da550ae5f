import type { ReactElement } from 'react';
import type { PlanDisk } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';

const TRANSPORT_LABEL: Record<string, string> = { san: 'SAN', hotadd: 'HotAdd', nbdssl: 'NBDSSL', nbd: 'NBD' };

/** Per disk: the transport the planner chose and why, and which rules excluded the others. */
export function PlanDisks({ disks }: { disks: PlanDisk[] }): ReactElement {
  return (
    <table className="table" aria-label="Disks and transports">
      <thead>
        <tr>
          <th>Disk</th>
          <th>Transport</th>
          <th>Why</th>
          <th>Excluded</th>
          <th>To write</th>
        </tr>
      </thead>
      <tbody>
        {disks.map((d) => (
          <tr key={d.key} data-testid={`plan-disk-${d.key}`}>
            <td>{d.label}</td>
            <td>
              <strong>{d.transport ? TRANSPORT_LABEL[d.transport] : 'none'}</strong>
              <div className="muted">{d.chosenBy === 'auto' ? 'chosen by the rules' : 'as you asked'}</div>
            </td>
            <td>{d.why}</td>
            <td>
              {Object.entries(d.excluded).map(([t, rules]) => (
                <div key={t}>
                  {TRANSPORT_LABEL[t] ?? t}: <code>{rules.join(', ')}</code>
                </div>
              ))}
            </td>
            <td>
              {formatBytes(d.bytesToWrite)}
              <div className="muted">{d.restoredProvisioning}</div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
