import { useEffect, type FormEvent, type ReactElement } from 'react';
import { FormField } from '../app/form-field';
import { LoadView } from '../app/load-view';
import { StepHeading } from '../app/step-heading';
import { useConnectionsStore } from '../stores/connections-store';
import { useRepositoriesStore } from '../stores/repositories-store';
import { useRestoreWizardStore, type TransportChoice } from '../stores/restore-wizard-store';
import { DiskFormatChoices, NetworkChoices } from './disk-and-network-choices';
import { PlanStatusLine } from './plan-status-line';
import { plannable } from './restore-choices';
import { TargetPickers } from './target-pickers';
import { useRestoreTargets } from './use-restore-targets';
import { VmNameField } from './vm-name-field';

const TRANSPORTS: Array<{ value: TransportChoice; label: string }> = [
  { value: 'auto', label: 'Automatic (by the restore rules)' },
  { value: 'san', label: 'SAN' },
  { value: 'hotadd', label: 'HotAdd' },
  { value: 'nbdssl', label: 'NBDSSL' },
  { value: 'nbd', label: 'NBD' },
];

/** Step 3: where and how: pickers from the live inventory; every change is planned again and the status line follows. */
export function TargetStep(): ReactElement {
  const connections = useConnectionsStore((s) => s.connections);
  const loadConnections = useConnectionsStore((s) => s.load);
  const choices = useRestoreWizardStore((s) => s.choices);
  const choose = useRestoreWizardStore((s) => s.choose);
  const goTo = useRestoreWizardStore((s) => s.goTo);
  const plan = useRestoreWizardStore((s) => s.plan);
  const pointId = useRestoreWizardStore((s) => s.pointId);
  const point = Object.values(useRepositoriesStore((s) => s.opened))
    .flatMap((r) => r.points)
    .find((p) => p.id === pointId);
  useEffect(() => {
    if (connections.status === 'idle') void loadConnections();
  }, [connections.status, loadConnections]);
  const names = connections.status === 'ready' ? connections.data.map((c) => c.name) : [];
  const onlyName = names.length === 1 ? names[0] : undefined;
  useEffect(() => {
    if (choices.connection === '' && onlyName) choose({ connection: onlyName });
  }, [onlyName, choices.connection, choose]);
  const targets = useRestoreTargets(choices.connection);
  const data = plan.data;
  const bytesToWrite = data ? data.disks.reduce((n, d) => n + d.bytesToWrite, 0) : (point?.allocatedBytes ?? 0);
  // Per-disk placement: the datastores the chosen host mounts (every datastore until a host is chosen).
  const hostDatastores =
    targets.status === 'ready'
      ? targets.data.datastores.filter((d) => !choices.host || (targets.data.hosts.find((h) => h.name === choices.host)?.datastores.includes(d.name) ?? true)).map((d) => d.name)
      : [];
  const hostNetworks =
    targets.status === 'ready'
      ? (targets.data.hosts.find((h) => h.name === choices.host)?.networks ?? targets.data.networks.map((n) => n.name))
      : [];

  function submit(e: FormEvent): void {
    e.preventDefault();
    goTo(4);
  }

  return (
    <form className="form" onSubmit={submit} aria-label="Restore target">
      <StepHeading>Where to restore</StepHeading>
      {connections.status === 'ready' && names.length === 0 ? (
        <div className="notice notice-warn" role="status">
          No saved connections: add one on the Connections page first.
        </div>
      ) : null}
      <div className="card">
        <div className="form-grid">
          <label>
            Connection
            <select value={choices.connection} onChange={(e) => choose({ connection: e.target.value, datacenter: '', computeResource: '', host: '', resourcePool: '', vmFolder: '', datastore: '' })} required>
              <option value="">Choose a connection</option>
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          {choices.mode === 'new-vm' ? (
            <VmNameField connection={choices.connection} value={choices.name} fallback={data?.vmName ?? `${point?.vm ?? 'vm'}-restored`} onChange={(name) => choose({ name })} />
          ) : (
            <FormField
              label={choices.mode === 'overwrite' ? 'VM whose disks are overwritten' : 'VM the disks are added to'}
              help={choices.mode === 'overwrite' ? `Empty: the original, ${point?.vm ?? 'by its name'}.` : 'The name of an existing VM on the target.'}
            >
              {({ id, describedBy }) => (
                <input id={id} value={choices.intoVm} onChange={(e) => choose({ intoVm: e.target.value })} required={choices.mode === 'add-disks'} aria-describedby={describedBy} autoComplete="off" />
              )}
            </FormField>
          )}
          {choices.connection ? (
            <LoadView state={targets} what="the target's inventory">
              {(t) => <TargetPickers targets={t} choices={choices} choose={choose} bytesToWrite={bytesToWrite} />}
            </LoadView>
          ) : null}
          <label>
            Transport
            <select value={choices.transport} onChange={(e) => choose({ transport: e.target.value as TransportChoice })}>
              {TRANSPORTS.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          <label className="wide">
            Reason for the restore (for the report)
            <textarea value={choices.reason} onChange={(e) => choose({ reason: e.target.value })} rows={2} maxLength={500} />
          </label>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={choices.powerOn} onChange={(e) => choose({ powerOn: e.target.checked })} />
          Power the VM on after the restore
        </label>
      </div>
      {data ? <DiskFormatChoices plan={data} choices={choices} choose={choose} datastores={hostDatastores} /> : null}
      {data ? <NetworkChoices plan={data} networks={hostNetworks} choices={choices} choose={choose} /> : null}
      <PlanStatusLine />
      <div className="wizard-actions">
        <button type="button" className="button button-secondary" onClick={() => goTo(2)}>
          Back
        </button>
        <button type="submit" className="button" disabled={!plannable(choices)}>
          Next: review the plan
        </button>
      </div>
    </form>
  );
}
