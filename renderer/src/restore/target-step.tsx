import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import type { DatastoreRow } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { api } from '../bridge/api-access';
import { useConnectionsStore } from '../stores/connections-store';
import { useRestoreWizardStore, type TransportChoice } from '../stores/restore-wizard-store';

const TRANSPORTS: Array<{ value: TransportChoice; label: string }> = [
  { value: 'auto', label: 'Automatic (by the restore rules)' },
  { value: 'san', label: 'SAN' },
  { value: 'hotadd', label: 'HotAdd' },
  { value: 'nbdssl', label: 'NBDSSL' },
  { value: 'nbd', label: 'NBD' },
];

/** Step 2: where the VM goes: connection, datastore, optional host and name, transport. */
export function TargetStep(): ReactElement {
  const connections = useConnectionsStore((s) => s.connections);
  const loadConnections = useConnectionsStore((s) => s.load);
  const target = useRestoreWizardStore((s) => s.target);
  const setTarget = useRestoreWizardStore((s) => s.setTarget);
  const goTo = useRestoreWizardStore((s) => s.goTo);
  const makePlan = useRestoreWizardStore((s) => s.makePlan);
  useEffect(() => {
    if (connections.status === 'idle') void loadConnections();
  }, [connections.status, loadConnections]);
  const names = connections.status === 'ready' ? connections.data.map((c) => c.name) : [];
  const onlyName = names.length === 1 ? names[0] : undefined;
  useEffect(() => {
    if (target.connection === '' && onlyName) setTarget({ connection: onlyName });
  }, [onlyName, target.connection, setTarget]);

  // Suggestions only: the field stays free text, so a slow or failing inventory never blocks the wizard.
  const [datastores, setDatastores] = useState<DatastoreRow[]>([]);
  useEffect(() => {
    setDatastores([]);
    if (!target.connection) return;
    let current = true;
    api()
      .inventory.datastores({ connection: target.connection })
      .then((list) => current && setDatastores(list))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [target.connection]);

  function submit(e: FormEvent): void {
    e.preventDefault();
    void makePlan();
  }

  return (
    <form className="card form" onSubmit={submit} aria-label="Restore target">
      <h2>Where to restore</h2>
      {connections.status === 'ready' && names.length === 0 ? (
        <div className="notice notice-warn" role="status">
          No saved connections: add one on the Connections page first.
        </div>
      ) : null}
      <div className="form-grid">
        <label>
          Connection
          <select value={target.connection} onChange={(e) => setTarget({ connection: e.target.value })} required>
            <option value="">Choose…</option>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Datastore
          <input
            value={target.datastore}
            onChange={(e) => setTarget({ datastore: e.target.value })}
            placeholder="datastore1"
            list="restore-datastores"
            required
          />
          <datalist id="restore-datastores" data-testid="datastore-suggestions">
            {datastores.map((d) => (
              <option key={d.name} value={d.name} label={`${d.type}, ${formatBytes(d.freeBytes)} free of ${formatBytes(d.capacityBytes)}`} />
            ))}
          </datalist>
        </label>
        <label>
          ESXi host <span className="muted">(optional)</span>
          <input value={target.host} onChange={(e) => setTarget({ host: e.target.value })} placeholder="a host that reaches the datastore" />
        </label>
        <label>
          Name of the restored VM <span className="muted">(optional)</span>
          <input value={target.name} onChange={(e) => setTarget({ name: e.target.value })} placeholder="<original>-restored" />
        </label>
        <label>
          Transport
          <select value={target.transport} onChange={(e) => setTarget({ transport: e.target.value as TransportChoice })}>
            {TRANSPORTS.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="wizard-actions">
        <button type="button" className="button button-secondary" onClick={() => goTo(1)}>
          Back
        </button>
        <button type="submit" className="button" disabled={!target.connection || !target.datastore.trim()}>
          Plan the restore
        </button>
      </div>
    </form>
  );
}
