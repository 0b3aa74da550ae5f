import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import type { VmRow } from '../../../electron/api/contract';
import { FormField } from '../app/form-field';
import { LoadView } from '../app/load-view';
import { StepHeading } from '../app/step-heading';
import { api } from '../bridge/api-access';
import { useConnectionsStore } from '../stores/connections-store';
import { loadInto, type LoadState } from '../stores/load-state';
import { useNavigationStore } from '../stores/navigation-store';
import { useRepositoriesStore } from '../stores/repositories-store';
import { useBackupWizardStore } from './backup-wizard-store';

/** The VMs of a connection, read live from the server whenever the connection changes. */
function useVms(connection: string): LoadState<VmRow[]> {
  const [vms, setVms] = useState<LoadState<VmRow[]>>({ status: 'idle' });
  useEffect(() => {
    if (!connection) return setVms({ status: 'idle' });
    let current = true;
    void loadInto((s) => current && setVms(s), () => api().inventory.vms({ connection }));
    return () => {
      current = false;
    };
  }, [connection]);
  return vms;
}

/** Step 1: which VM (from the live inventory of a saved connection) into which repository opened in this session. */
export function BackupSourceStep(): ReactElement {
  const connections = useConnectionsStore((s) => s.connections);
  const loadConnections = useConnectionsStore((s) => s.load);
  const repositories = Object.values(useRepositoriesStore((s) => s.opened));
  const choices = useBackupWizardStore((s) => s.choices);
  const choose = useBackupWizardStore((s) => s.choose);
  const goTo = useBackupWizardStore((s) => s.goTo);
  const go = useNavigationStore((s) => s.go);
  const vms = useVms(choices.connection);
  useEffect(() => {
    if (connections.status === 'idle') void loadConnections();
  }, [connections.status, loadConnections]);
  const names = connections.status === 'ready' ? connections.data.map((c) => c.name) : [];
  // One choice is no choice: take it.
  useEffect(() => {
    if (choices.connection === '' && names.length === 1) choose({ connection: names[0]! });
    if (choices.repositoryId === '' && repositories.length === 1) choose({ repositoryId: repositories[0]!.id });
  }, [names, repositories, choices.connection, choices.repositoryId, choose]);
  const ready = choices.connection !== '' && choices.vm !== '' && choices.repositoryId !== '';

  function submit(e: FormEvent): void {
    e.preventDefault();
    if (ready) goTo(2);
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="backup-step-heading" data-testid="backup-source">
      <div id="backup-step-heading">
        <StepHeading>Step 1 of 4: what to back up, and where</StepHeading>
      </div>
      <LoadView state={connections} what="the saved connections">
        {() =>
          names.length === 0 ? (
            <p className="notice notice-warn" role="status">
              No connection is saved yet: add the vCenter or ESXi host on the Connections page first.
            </p>
          ) : (
            <FormField label="Connection" help="The vCenter or ESXi host that runs the VM.">
              {({ id, describedBy }) => (
                <select id={id} aria-describedby={describedBy} value={choices.connection} onChange={(e) => choose({ connection: e.target.value, vm: '' })}>
                  <option value="">Choose a connection</option>
                  {names.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          )
        }
      </LoadView>
      {choices.connection ? (
        <LoadView state={vms} what={`the virtual machines of ${choices.connection}`}>
          {(list) => (
            <FormField label="Virtual machine" help={`${list.length} VMs on ${choices.connection}, read live from the server.`}>
              {({ id, describedBy }) => (
                <select id={id} aria-describedby={describedBy} value={choices.vm} onChange={(e) => choose({ vm: e.target.value })} data-testid="backup-vm">
                  <option value="">Choose a virtual machine</option>
                  {list.map((v) => (
                    <option key={v.moref} value={v.name}>
                      {v.name} ({v.diskCount} disks, {v.powerState})
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          )}
        </LoadView>
      ) : null}
      {repositories.length === 0 ? (
        <div className="notice notice-warn" role="status">
          No repository is open in this session.{' '}
          <button type="button" className="button button-small button-secondary" onClick={() => go('repositories')}>
            Open one on the Repositories page
          </button>
        </div>
      ) : (
        <FormField label="Repository" help="The restore point is saved here (encrypted, deduplicated). Only repositories opened in this session are listed.">
          {({ id, describedBy }) => (
            <select id={id} aria-describedby={describedBy} value={choices.repositoryId} onChange={(e) => choose({ repositoryId: e.target.value })}>
              <option value="">Choose a repository</option>
              {repositories.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.path}
                </option>
              ))}
            </select>
          )}
        </FormField>
      )}
      <div className="wizard-actions">
        <button type="submit" className="button" disabled={!ready}>
          Next: options
        </button>
      </div>
    </form>
  );
}
