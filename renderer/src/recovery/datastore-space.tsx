import type { ReactElement } from 'react';
import type { RecoveryDatastoreUse } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';

/** Space per datastore summed over every VM the plan restores to it: needed against free, as a bar; blocked ones marked. */
export function DatastoreSpace({ datastores }: { datastores: RecoveryDatastoreUse[] }): ReactElement {
  return (
    <section className="card" aria-labelledby="space-heading">
      <h2 id="space-heading">Space per datastore</h2>
      <ul className="space-list">
        {datastores.map((d) => {
          const free = d.freeBytes;
          const percent = free && free > 0 ? Math.min(100, Math.round((d.neededBytes / free) * 100)) : 100;
          const words = free === null ? `${formatBytes(d.neededBytes)} needed; free space unknown` : `${formatBytes(d.neededBytes)} needed of ${formatBytes(free)} free`;
          return (
            <li key={d.name} className={d.ok ? '' : 'space-blocked'} data-testid={`datastore-${d.name}`}>
              <div className="space-head">
                <strong>{d.name}</strong>
                {d.ok ? <span className="badge badge-ok">fits</span> : <span className="badge badge-blocked">blocked: not enough space</span>}
                <span className="muted">{d.vms.join(', ')}</span>
              </div>
              <div className="disk-bar" role="img" aria-label={`${d.name}: ${words}${d.ok ? '' : ', blocked'}`}>
                <div className={`disk-bar-fill${d.ok ? '' : ' fill-blocked'}`} style={{ width: `${percent}%` }} />
                <span className="disk-bar-text" aria-hidden="true">
                  {words}
                </span>
              </div>
              <div className="muted small">
                Thick (provisioned) {formatBytes(d.thickBytes)}, thin (allocated) {formatBytes(d.thinBytes)}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
